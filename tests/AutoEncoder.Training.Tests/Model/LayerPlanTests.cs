using AutoEncoder.Training.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Model;

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
                     "Dropout, Identity, LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Tanh", error.Message);
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
