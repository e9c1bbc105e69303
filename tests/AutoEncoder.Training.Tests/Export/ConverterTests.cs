using AutoEncoder.Onnx;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Export;
using AutoEncoder.Onnx.Converters;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Export;

public sealed class ConverterTests
{
    private static OnnxExporter.GraphSpec Spec(nn.Module module, long width = 16) =>
        new("test", "x", [width], "y", [("net", module)], "test graph");

    private static byte[] Export(nn.Module module, long width = 16) =>
        Google.Protobuf.MessageExtensions.ToByteArray(OnnxExporter.Export(Spec(module, width), []));

    [Fact]
    public void Leaky_relu_dropout_and_identity_export_with_parity()
    {
        torch.manual_seed(3);
        using var net = nn.Sequential(nn.Linear(16, 8), nn.LeakyReLU(0.2), nn.Dropout(0.5), nn.Identity(), nn.Linear(8, 4));
        net.eval();
        using var input = torch.randn(5, 16);
        using var noGrad = no_grad();
        using var expected = net.forward(input);

        byte[] model = Export(net);
        float[] actual = OrtRunner.Run(model, input.data<float>().ToArray(), 5);

        // Two 16/8-term dot products: float32 reordering error is far below 1e-6.
        Close.Assert(expected.data<float>().ToArray(), actual, 1e-6);
        Assert.Equal(["Gemm", "LeakyRelu", "Gemm"],
            AutoEncoder.Onnx.Schema.ModelProto.Parser.ParseFrom(model).Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void A_linear_without_bias_exports_a_two_input_gemm()
    {
        using var net = nn.Sequential(nn.Linear(16, 3, hasBias: false));
        net.eval();
        using var input = torch.rand(4, 16);
        using var noGrad = no_grad();
        using var expected = net.forward(input);

        byte[] model = Export(net);

        Close.Assert(expected.data<float>().ToArray(), OrtRunner.Run(model, input.data<float>().ToArray(), 4), 1e-6);
        Assert.Equal(2, AutoEncoder.Onnx.Schema.ModelProto.Parser.ParseFrom(model).Graph.Node.Single().Input.Count);
    }

    [Fact]
    public void An_unsupported_module_fails_naming_its_type_and_the_supported_ones()
    {
        using var net = nn.Sequential(nn.Linear(16, 8), nn.Softplus());

        var error = Assert.Throws<NotSupportedException>(() => Export(net));

        Assert.Equal("cannot export module type Softplus: supported types are BatchNorm1d, BatchNorm2d, Conv2d, ConvTranspose2d, Dropout, Dropout2d, " +
            "ELU, Flatten, GELU, Identity, LeakyReLU, Linear, MaxPool2d, ReLU, Sequential, Sigmoid, Tanh, Unflatten, Upsample",
            error.Message);
    }

    [Fact]
    public void The_registry_refuses_a_second_converter_for_one_type()
    {
        var registry = new ConverterRegistry().Add(new LinearConverter());

        var error = Assert.Throws<ArgumentException>(() => registry.Add(new LinearConverter()));

        Assert.StartsWith("a converter for Linear is already registered", error.Message);
    }

    [Fact]
    public void The_graph_builder_refuses_an_operator_newer_than_the_target_opset()
    {
        var graph = new GraphBuilder("g", opset: 12);
        string x = graph.AddInput("x", 4, "");

        var error = Assert.Throws<NotSupportedException>(() => graph.AddNode("Relu", 14, [x], null, 4, "net.0"));

        Assert.Equal("Relu (at net.0) needs opset 14, but the target opset is 12", error.Message);
    }

    [Fact]
    public void A_linear_whose_input_width_disagrees_with_the_graph_is_refused()
    {
        using var net = nn.Sequential(nn.Linear(10, 3));

        var error = Assert.Throws<InvalidOperationException>(() => Export(net, width: 16));

        Assert.Equal("net.0: Linear expects 10 inputs, but its input 'x' has 16", error.Message);
    }

    [Fact]
    public void An_empty_model_exports_as_identity()
    {
        using var net = nn.Sequential();
        float[] input = [1, 2, 3, 4];

        Assert.Equal(input, OrtRunner.Run(Export(net, width: 4), input, 1));
    }
}
