using AutoEncoder.Training.Config;
using AutoEncoder.Training.Network;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Network;

/// <summary>The layer plan is read from the module tree and refuses what it does not know.</summary>
public sealed class LayerPlanTests
{
    [Fact]
    public void The_deep_models_plan_lists_every_layer_in_order_with_its_scope_and_widths()
    {
        using var model = new AutoEncoderModel(new ModelConfig(784, [512, 256], 2, Activation.Relu));

        string[] layers = [.. model.Plan.Layers.Select(l => $"{l.Scope} {l.Kind} {l.Inputs}→{l.Outputs}")];

        Assert.Equal(
        [
            "encoder.0 Linear 784→512", "encoder.1 Relu 512→512", "encoder.2 Linear 512→256", "encoder.3 Relu 256→256", "encoder.4 Linear 256→2",
            "decoder.0 Linear 2→256", "decoder.1 Relu 256→256", "decoder.2 Linear 256→512", "decoder.3 Relu 512→512", "decoder.4 Linear 512→784",
        ], layers);
        Assert.Equal((784, 784), (model.Plan.InputWidth, model.Plan.OutputWidth));
        Assert.Equal(5, model.EncoderPlan.Layers.Count);
        Assert.Equal((2, 784), (model.DecoderPlan.InputWidth, model.DecoderPlan.OutputWidth));
    }

    [Fact]
    public void A_convolutional_models_plan_follows_the_image_through_its_layers_and_counts_their_work()
    {
        using var model = new AutoEncoderModel(new ModelConfig(784, [128], 2, Activation.Relu, new ConvOptions([32, 64], [1, 28, 28])));

        string[] layers = [.. model.Plan.Layers.Select(l => $"{l.Scope} {l.Kind} {l.Inputs}→{l.Outputs} {l.MultiplyAdds}")];

        // Conv 1→32 on 28×28 → 14×14: 14·14·32 outputs of 9·1 products; conv 32→64 → 7×7: 7·7·64 of 9·32;
        // each transposed convolution reads the smaller image: 7·7·64 inputs of 9·32, 14·14·32 of 9·1.
        Assert.Equal(
        [
            "encoder.0 Reshape 784→784 0", "encoder.1 Convolution 784→6272 56448", "encoder.2 Relu 6272→6272 0",
            "encoder.3 Convolution 6272→3136 903168", "encoder.4 Relu 3136→3136 0", "encoder.5 Reshape 3136→3136 0",
            "encoder.6 Linear 3136→128 401408", "encoder.7 Relu 128→128 0", "encoder.8 Linear 128→2 256",
            "decoder.0 Linear 2→128 256", "decoder.1 Relu 128→128 0", "decoder.2 Linear 128→3136 401408", "decoder.3 Relu 3136→3136 0",
            "decoder.4 Reshape 3136→3136 0", "decoder.5 Convolution 3136→6272 903168", "decoder.6 Relu 6272→6272 0",
            "decoder.7 Convolution 6272→784 56448", "decoder.8 Reshape 784→784 0",
        ], layers);
        Assert.Equal(model.Config.CountParameters(), model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Batch_norm_precedes_each_hidden_activation_and_dropout_follows_it()
    {
        var config = new ModelConfig(784, [64], 2, Activation.Relu, new ConvOptions([8, 16], [1, 28, 28]), BatchNorm: true, Dropout: 0.1);
        using var model = new AutoEncoderModel(config);

        string[] kinds = [.. model.Plan.Layers.Select(l => $"{l.Scope} {l.Kind}")];

        Assert.Equal(
        [
            "encoder.0 Reshape", "encoder.1 Convolution", "encoder.2 Normalization", "encoder.3 Relu",
            "encoder.4 Convolution", "encoder.5 Normalization", "encoder.6 Relu", "encoder.7 Reshape",
            "encoder.8 Linear", "encoder.9 Normalization", "encoder.10 Relu", "encoder.11 Dropout", "encoder.12 Linear",
            "decoder.0 Linear", "decoder.1 Normalization", "decoder.2 Relu", "decoder.3 Dropout",
            "decoder.4 Linear", "decoder.5 Normalization", "decoder.6 Relu", "decoder.7 Dropout", "decoder.8 Reshape",
            "decoder.9 Convolution", "decoder.10 Normalization", "decoder.11 Relu", "decoder.12 Convolution", "decoder.13 Reshape",
        ], kinds);
        Assert.Equal(config.CountParameters(), model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Nested_sequentials_are_flattened_with_dotted_scopes()
    {
        using var inner = nn.Sequential(("a", nn.Linear(4, 3)), ("b", nn.Tanh()));
        using var outer = nn.Sequential(("inner", inner), ("out", nn.Linear(3, 1)));

        LayerPlan plan = LayerPlan.Of([("net", outer)], 4);

        Assert.Equal(["net.inner.a", "net.inner.b", "net.out"], plan.Layers.Select(l => l.Scope));
    }

    [Fact]
    public void An_unknown_module_is_an_error_naming_it_and_the_supported_types()
    {
        using var net = nn.Sequential(("0", nn.Linear(4, 4)), ("1", nn.Softplus()));

        var error = Assert.Throws<NotSupportedException>(() => LayerPlan.Of([("net", net)], 4));

        Assert.Equal("net.1: module type Softplus is not supported; supported types are " +
                     "BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Flatten, Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh, Unflatten", error.Message);
    }

    [Fact]
    public void A_linear_layer_fed_rows_of_the_wrong_width_is_an_error_naming_both_widths()
    {
        using var net = nn.Sequential(("0", nn.Linear(4, 3)), ("1", nn.Linear(5, 2)));

        var error = Assert.Throws<ArgumentException>(() => LayerPlan.Of([("net", net)], 4));

        Assert.Equal("net.1: Linear expects 5 inputs, but the rows reaching it have 3", error.Message);
    }

    [Fact]
    public void Training_flops_count_three_products_per_linear_layer_and_two_for_the_first()
    {
        using var model = new AutoEncoderModel(new ModelConfig(784, [64], 2, Activation.Tanh));

        // Forward, weight gradient and input gradient: 2·rows·in·out each; the first layer's input is data.
        double expected = 32 * (4.0 * 784 * 64 + 6.0 * 64 * 2 + 6.0 * 2 * 64 + 6.0 * 64 * 784);
        Assert.Equal(expected, model.Plan.TrainingFlops(32));
    }
}
