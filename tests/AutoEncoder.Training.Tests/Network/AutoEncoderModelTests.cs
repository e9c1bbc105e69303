using AutoEncoder.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Xunit;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Config;

namespace AutoEncoder.Training.Tests.Network;

public sealed class AutoEncoderModelTests
{
    private static string[] Layers(Sequential stack) =>
        stack.children().Select(m => m is Linear l ? $"Linear({l.in_features},{l.out_features})" : m.GetType().Name).ToArray();

    [Fact]
    public void Seed_preset_is_one_linear_layer_each_way_with_no_activation()
    {
        using var model = new AutoEncoderModel(TrainingConfig.SeedPreset.Model);

        Assert.Equal(["Linear(784,2)"], Layers(model.Encoder));
        Assert.Equal(["Linear(2,784)"], Layers(model.Decoder));
    }

    [Fact]
    public void Deep_preset_mirrors_its_relu_hidden_layers_in_the_decoder()
    {
        using var model = new AutoEncoderModel(TrainingConfig.DeepPreset.Model);

        Assert.Equal(["Linear(784,512)", "ReLU", "Linear(512,256)", "ReLU", "Linear(256,2)"], Layers(model.Encoder));
        Assert.Equal(["Linear(2,256)", "ReLU", "Linear(256,512)", "ReLU", "Linear(512,784)"], Layers(model.Decoder));
    }

    [Theory]
    [InlineData("tanh", "Tanh")]
    [InlineData("sigmoid", "Sigmoid")]
    public void Activation_is_placed_between_hidden_layers_only(string activation, string name)
    {
        using var model = new AutoEncoderModel(new ModelConfig(784, [64], 3, Enum.Parse<Activation>(activation, ignoreCase: true)));

        Assert.Equal(["Linear(784,64)", name, "Linear(64,3)"], Layers(model.Encoder));
    }

    [Fact]
    public void Forward_maps_a_batch_to_logits_of_the_input_shape_and_codes_of_latent_width()
    {
        using var model = new AutoEncoderModel(new ModelConfig(784, [32], 5, Activation.Relu));
        using var input = torch.rand(7, 784);

        using var codes = model.Encoder.forward(input);
        using var output = model.forward(input);

        Assert.Equal([7L, 5L], codes.shape);
        Assert.Equal([7L, 784L], output.shape);
    }

    [Fact]
    public void Rejects_a_zero_latent_size()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AutoEncoderModel(new ModelConfig(784, [], 0, Activation.Linear)));

        Assert.Equal("Latent", error.ParamName);
    }

    [Fact]
    public void Evaluation_forward_is_the_encoder_module_then_the_decoder_module()
    {
        var (modules, forward) = ForwardAndModules(training: false);

        Assert.Equal(modules, forward);
    }

    [Fact]
    public void Training_forward_matches_the_encoder_and_decoder_modules()
    {
        var (modules, forward) = ForwardAndModules(training: true);

        // Its layers run through GemmLinear and NarrowTransposedConvolution, pinned to their modules at 1e-5
        // (GemmLinearTests, NarrowTransposedConvolutionTests); seven layers in a row stay within 1e-4.
        Close.Assert(modules, forward, 1e-4, 1e-4);
    }

    [Fact]
    public void Training_layers_run_in_order_compute_the_training_forward_bit_for_bit()
    {
        torch.manual_seed(3);
        using var model = new AutoEncoderModel(new ModelConfig(784, [32], 2, Activation.Relu, new ConvOptions([8, 16], [1, 28, 28])));
        model.train();
        using Tensor input = torch.rand(4, 784);
        using var noGrad = torch.no_grad();

        Tensor chained = input.alias();
        foreach (var (_, step) in model.TrainingLayers)
        {
            Tensor next = step(chained);
            chained.Dispose();
            chained = next;
        }
        using Tensor forward = model.forward(input);

        // The same functions in the same order on the same input: no tolerance.
        Assert.Equal(forward.data<float>().ToArray(), chained.data<float>().ToArray());
        chained.Dispose();
    }

    // A model with dense layers, convolutions on both sides and a last transposed convolution to one
    // channel: its decoder module applied to its encoder module's codes, and its own forward.
    private static (float[] Modules, float[] Forward) ForwardAndModules(bool training)
    {
        torch.manual_seed(3);
        using var model = new AutoEncoderModel(new ModelConfig(784, [32], 2, Activation.Relu, new ConvOptions([8, 16], [1, 28, 28])));
        if (training) model.train();
        else model.eval();
        using Tensor input = torch.rand(4, 784);
        using var noGrad = torch.no_grad();

        using Tensor code = model.Encoder.forward(input);
        using Tensor modules = model.Decoder.forward(code);
        using Tensor forward = model.forward(input);
        return (modules.data<float>().ToArray(), forward.data<float>().ToArray());
    }
}
