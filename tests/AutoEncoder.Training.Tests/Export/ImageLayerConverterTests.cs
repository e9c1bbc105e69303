using AutoEncoder.Onnx;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>
/// Each image-model layer against ONNX Runtime: random weights (and running statistics), random inputs,
/// TorchSharp's forward in eval mode as the reference. Tolerances: a 3×3 convolution over 8 channels sums
/// 72 products of values near 1, whose float32 reordering error stays below 1e-5; layers that only move
/// or compare values (reshape, pool, upsample) must match exactly.
/// </summary>
public sealed class ImageLayerConverterTests
{
    public static TheoryData<string, Func<nn.Module>, long[], double> Layers => new()
    {
        { "Conv2d", () => nn.Conv2d(3, 8, 3), [3, 9, 9], 1e-5 },
        { "Conv2d stride 2, padding 1, no bias", () => nn.Conv2d(3, 8, 3, stride: 2, padding: 1, bias: false), [3, 9, 10], 1e-5 },
        { "Conv2d dilation 2, groups 2", () => nn.Conv2d(4, 6, 3, dilation: 2, groups: 2), [4, 11, 11], 1e-5 },
        { "Conv2d padding same, even kernel", () => nn.Conv2d(2, 4, 4, padding: Padding.Same), [2, 7, 7], 1e-5 },
        { "ConvTranspose2d stride 2, output padding 1", () => nn.ConvTranspose2d(8, 3, 3, stride: 2, padding: 1, output_padding: 1), [8, 7, 7], 1e-5 },
        // TorchSharp 0.107's module applies its first output padding to both axes: the graph must follow the module.
        { "ConvTranspose2d output padding (1, 0)", () => nn.ConvTranspose2d(3, 2, (3, 3), stride: (3, 3), output_padding: (1, 0)), [3, 4, 5], 1e-5 },
        { "ConvTranspose2d groups 2, no bias", () => nn.ConvTranspose2d(4, 6, 2, stride: 2, groups: 2, bias: false), [4, 5, 6], 1e-5 },
        { "BatchNorm2d", () => nn.BatchNorm2d(5), [5, 4, 4], 1e-5 },
        { "BatchNorm1d", () => nn.BatchNorm1d(12), [12], 1e-5 },
        { "MaxPool2d", () => nn.MaxPool2d(2), [3, 8, 9], 0 },
        { "MaxPool2d stride 1, padding 1, ceil mode", () => nn.MaxPool2d(3, stride: 2, padding: 1, ceil_mode: true), [2, 8, 8], 0 },
        { "Upsample nearest ×2", () => nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest), [3, 4, 5], 0 },
        { "Upsample nearest to a size", () => nn.Upsample(size: [7, 10], mode: UpsampleMode.Nearest), [3, 4, 5], 0 },
        { "Flatten", () => nn.Flatten(), [3, 4, 5], 0 },
        { "Unflatten", () => nn.Unflatten(1, [4, 3, 5]), [60], 0 },
        { "Dropout2d", () => nn.Dropout2d(0.5), [3, 4, 4], 0 },
        // ELU's and GELU's exponentials and erf differ between libraries by a few float32 ulps.
        { "ELU", () => nn.ELU(0.7), [3, 4, 4], 1e-6 },
        { "GELU", () => nn.GELU(), [3, 4, 4], 1e-6 },
        { "GELU tanh", () => nn.GELU(TorchSharp.Modules.GELU.Approximate.tanh), [3, 4, 4], 1e-6 },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_layer_exports_with_parity(string name, Func<nn.Module> create, long[] inputShape, double tolerance)
    {
        torch.manual_seed(7);
        using nn.Module layer = create();
        Randomise(layer);
        layer.eval();

        (float[] expected, float[] actual) = Compare(layer, inputShape, rows: 3);

        Assert.True(expected.Length > 0, name);
        Close.Assert(expected, actual, tolerance);
    }

    [Fact]
    public void Dropout_leaves_no_node()
    {
        using var net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Dropout2d(0.5), nn.Dropout(0.3), nn.ReLU());
        net.eval();

        Assert.Equal(["Conv", "Relu"], Nodes(net, [1, 6, 6]));
    }

    [Fact]
    public void A_small_convolutional_classifier_exports_with_parity()
    {
        torch.manual_seed(11);
        using var net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, stride: 2, padding: 1), nn.GELU(), nn.Dropout(0.2),
            nn.Flatten(), nn.Linear(16 * 4 * 4, 32), nn.ELU(), nn.Linear(32, 10));
        Randomise(net);
        net.eval();

        (float[] expected, float[] actual) = Compare(net, [1, 14, 14], rows: 4);

        // Two convolutions (9 and 72 terms) and two dense layers (256 and 32 terms) in float32, with random
        // weights of scale 0.5 that grow the logits to |25|. Reordering errors scale with those largest
        // values, not with each output: a few float32 ulps of 25 (2e-6 each) over four layers, so 1e-4.
        Close.Assert(expected, actual, atol: 1e-4);
    }

    [Fact]
    public void A_convolutional_decoder_keeps_the_batch_symbolic()
    {
        using var net = nn.Sequential(nn.Linear(2, 16 * 7 * 7), nn.Unflatten(1, [16, 7, 7]),
            nn.ConvTranspose2d(16, 8, 3, stride: 2, padding: 1, output_padding: 1), nn.ReLU(),
            nn.ConvTranspose2d(8, 1, 3, stride: 2, padding: 1, output_padding: 1), nn.Sigmoid());
        net.eval();

        AutoEncoder.Onnx.Schema.ModelProto model = Export(net, [2]);

        var output = model.Graph.Output.Single().Type.TensorType.Shape.Dim;
        Assert.Equal(["batch", "1", "28", "28"], output.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        (float[] expected, float[] actual) = Compare(net, [2], rows: 5);
        Close.Assert(expected, actual, 1e-5);
    }

    [Fact]
    public void A_linear_after_a_convolution_without_flatten_is_refused()
    {
        using var net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Linear(8, 2));
        net.eval();

        var error = Assert.Throws<InvalidOperationException>(() => Export(net, [1, 6, 6]));

        Assert.Equal("'net.0/Conv_output' has shape [batch, 2, 4, 4], not [batch, width]: flatten it first", error.Message);
    }

    [Fact]
    public void A_convolution_given_the_wrong_channels_is_refused()
    {
        using var net = nn.Sequential(nn.Conv2d(3, 2, 3));
        net.eval();

        var error = Assert.Throws<InvalidOperationException>(() => Export(net, [1, 6, 6]));

        Assert.Equal("net.0: Conv2d expects [batch, 3, height, width], but its input 'x' has [batch, 1, 6, 6]", error.Message);
    }

    [Fact]
    public void A_kernel_larger_than_its_input_is_refused_naming_the_layer_and_shape()
    {
        using var net = nn.Sequential(nn.Conv2d(1, 2, 5));
        net.eval();

        var error = Assert.Throws<InvalidOperationException>(() => Export(net, [1, 3, 3]));

        Assert.StartsWith("net.0: Conv2d cannot take an input of shape [batch, 1, 3, 3]: ", error.Message);
    }

    [Fact]
    public void A_layer_in_training_mode_is_refused()
    {
        using var net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2));

        var error = Assert.Throws<InvalidOperationException>(() => Export(net, [1, 6, 6]));

        Assert.Equal("net.0: Conv2d is in training mode; call eval() before exporting", error.Message);
    }

    [Fact]
    public void Reflect_padding_and_bilinear_upsampling_are_refused_by_name()
    {
        using var reflect = nn.Sequential(nn.Conv2d(1, 2, 3, padding: 1, padding_mode: PaddingModes.Reflect));
        using var bilinear = nn.Sequential(nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Bilinear));
        reflect.eval();
        bilinear.eval();

        Assert.Equal("net.0: Conv2d with padding_mode Reflect cannot be exported; supported: zeros",
            Assert.Throws<NotSupportedException>(() => Export(reflect, [1, 6, 6])).Message);
        Assert.Equal("net.0: Upsample in mode Bilinear cannot be exported; supported: Nearest",
            Assert.Throws<NotSupportedException>(() => Export(bilinear, [1, 6, 6])).Message);
    }

    [Fact]
    public void Flattening_the_batch_is_refused()
    {
        using var net = nn.Sequential(nn.Flatten(0));
        net.eval();

        var error = Assert.Throws<NotSupportedException>(() => Export(net, [3, 4]));

        Assert.Equal("net.0: Flatten over the batch dimension cannot be exported; it must start at dimension 1 or later", error.Message);
    }

    internal static AutoEncoder.Onnx.Schema.ModelProto Export(nn.Module net, long[] inputShape) =>
        OnnxExporter.Export(new OnnxExporter.GraphSpec("test", "x", inputShape, "y", [("net", net)], "test graph"), []);

    static string[] Nodes(nn.Module net, long[] inputShape) => [.. Export(net, inputShape).Graph.Node.Select(node => node.OpType)];

    static (float[] Expected, float[] Actual) Compare(nn.Module net, long[] inputShape, int rows)
    {
        using var input = torch.randn([rows, .. inputShape]);
        using var noGrad = no_grad();
        using var expected = ((nn.Module<Tensor, Tensor>)net).forward(input);
        byte[] model = Google.Protobuf.MessageExtensions.ToByteArray(Export(net, inputShape));
        return (expected.data<float>().ToArray(), OrtRunner.Run(model, input.data<float>().ToArray(), rows));
    }

    // Fresh modules start with unit scales and zero statistics, which would hide a swapped mean and
    // variance or a dropped bias: every parameter and buffer gets random values (variances positive).
    static void Randomise(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach ((string name, Tensor parameter) in module.named_parameters()) parameter.copy_(torch.randn_like(parameter) * 0.5);
        foreach ((string name, Tensor buffer) in module.named_buffers())
            if (buffer.dtype == ScalarType.Float32)
                buffer.copy_(name.EndsWith("running_var", StringComparison.Ordinal) ? torch.rand_like(buffer) + 0.5 : torch.randn_like(buffer));
    }
}
