using AutoEncoder.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace AutoEncoder.Training.Tests.Model;

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
}
