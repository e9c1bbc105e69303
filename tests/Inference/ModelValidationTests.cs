using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Onnx.Schema;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Tests.Inference;

public sealed class ModelValidationTests : IDisposable
{
    private readonly TempFolder folder = new();
    private static readonly string EncoderFile = Path.Combine(Repository.ModelsFolder, "encoder.onnx");

    public void Dispose() => folder.Dispose();

    private static ModelProto CommittedEncoder() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(EncoderFile));

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

        Assert.Equal("model bytes: model references external data files, which are refused (only self-contained models load)", error.Message);
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
