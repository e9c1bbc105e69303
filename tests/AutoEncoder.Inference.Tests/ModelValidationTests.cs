using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

public sealed class ModelValidationTests : IDisposable
{
    private readonly TempFolder folder = new();
    private static readonly string EncoderFile = Path.Combine(Repository.ModelsFolder, "encoder.onnx");

    public void Dispose() => folder.Dispose();

    private static ModelProto CommittedEncoder() => TestModels.CommittedProto("encoder.onnx");

    [Fact]
    public void A_truncated_model_file_is_refused_as_invalid()
    {
        byte[] bytes = File.ReadAllBytes(EncoderFile);
        File.WriteAllBytes(folder.File("encoder.onnx"), bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(folder.File("encoder.onnx")));

        Assert.StartsWith(folder.File("encoder.onnx") + ":", error.Message);
    }

    [Fact]
    public void Random_bytes_are_refused_as_invalid()
    {
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);

        Assert.Throws<InvalidDataException>(() => Encoder.Load(bytes.AsMemory()));
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        File.WriteAllBytes(folder.File("empty.onnx"), []);

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(folder.File("empty.onnx")));

        Assert.EndsWith("expected an ONNX model, found an empty file", error.Message);
    }

    [Fact]
    public void A_missing_file_is_reported_as_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => Encoder.Load(folder.File("none.onnx")));
    }

    [Fact]
    public void A_decoder_loaded_as_an_encoder_is_refused_naming_both_roles()
    {
        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(Path.Combine(Repository.ModelsFolder, "decoder.onnx")));

        Assert.EndsWith("expected a model with role 'encoder', found 'decoder'", error.Message);
    }

    [Fact]
    public void A_model_whose_weights_live_in_an_external_file_is_refused()
    {
        ModelProto model = CommittedEncoder();
        TensorProto weight = model.Graph.Initializer[0];
        weight.RawData = ByteString.Empty;
        weight.DataLocation = TensorProto.Types.DataLocation.External;
        weight.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "../../etc/passwd" });

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray().AsMemory()));

        Assert.Equal($"model bytes: initializer '{weight.Name}' of graph references an external data file, which is refused (only self-contained models load)", error.Message);
    }

    [Fact]
    public void External_data_inside_a_subgraph_is_refused_too()
    {
        ModelProto model = CommittedEncoder();
        var branch = new GraphProto { Name = "branch" };
        TensorProto hidden = TestModels.Tensor("hidden", [1], [0f]);
        hidden.RawData = ByteString.Empty;
        hidden.DataLocation = TensorProto.Types.DataLocation.External;
        branch.Initializer.Add(hidden);
        var node = new NodeProto { Name = "if", OpType = "If" };
        node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = branch });
        model.Graph.Node.Add(node);

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray()));

        Assert.StartsWith("model bytes: initializer 'hidden' of subgraph 'branch' of attribute 'then_branch' of node 'if'", error.Message);
    }

    [Fact]
    public void Raw_weight_data_that_is_not_whole_floats_is_refused_naming_the_initializer()
    {
        ModelProto model = CommittedEncoder();
        TensorProto weight = model.Graph.Initializer[0];
        weight.RawData = ByteString.CopyFrom(new byte[7]);

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray()));

        Assert.Equal($"model bytes: initializer '{weight.Name}' of graph: expected raw data of whole float32 values (a multiple of 4 bytes), found 7 bytes",
            error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_model_whose_weights_hold_a_non_finite_value_is_refused_naming_the_initializer(float value)
    {
        ModelProto model = CommittedEncoder();
        TensorProto weight = model.Graph.Initializer[0];
        float[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weight.RawData.Span).ToArray();
        values[123] = value;
        weight.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray()));

        Assert.Equal($"model bytes: expected finite weights, found {value} at index 123 of initializer '{weight.Name}' of graph", error.Message);
    }

    [Fact]
    public void A_model_that_onnx_runtime_cannot_load_is_refused_without_an_onnx_runtime_exception()
    {
        ModelProto model = CommittedEncoder();
        model.Graph.Node[0].OpType = "NoSuchOperator";

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray()));

        Assert.StartsWith("model bytes: not a valid ONNX model (", error.Message);
        Assert.IsNotType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void A_model_with_a_fixed_batch_size_is_refused_as_the_wrong_shape()
    {
        ModelProto model = CommittedEncoder();
        model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue = 1;

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(model.ToByteArray().AsMemory()));

        Assert.Equal("model bytes: expected input 'pixels' to be float [batch, N], found Float [1, 784]", error.Message);
    }

    [Fact]
    public void A_stream_larger_than_the_limit_is_refused_before_parsing()
    {
        using var huge = new MemoryStream(new byte[(64 << 20) + 1]);

        var error = Assert.Throws<InvalidDataException>(() => Encoder.Load(huge));

        Assert.StartsWith("stream: expected a model of at most 64 MiB, found", error.Message);
    }
}
