using AutoEncoder.Onnx;
using AutoEncoder.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Export;

/// <summary><c>OnnxExport</c>, the exporter's public entry point, on a model that is not an autoencoder.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static nn.Module Classifier()
    {
        torch.manual_seed(5);
        var net = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding: 1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, stride: 2, padding: 1), nn.ReLU(), nn.Flatten(), nn.Dropout(0.3), nn.Linear(16 * 7 * 7, 10));
        net.eval();
        return net;
    }

    [Fact]
    public void A_saved_classifier_runs_in_onnx_runtime_with_its_names_metadata_and_any_batch()
    {
        using nn.Module net = Classifier();
        var options = new ExportOptions { InputName = "image", OutputName = "logits", GraphName = "digits" };
        options.Metadata["classes"] = "0-9";
        string path = folder.File("classifier.onnx");

        OnnxExport.Save(net, [1, 28, 28], path, options);

        using var session = new InferenceSession(path);
        Assert.Equal(["image"], session.InputMetadata.Keys);
        Assert.Equal(["logits"], session.OutputMetadata.Keys);
        Assert.Equal("0-9", session.ModelMetadata.CustomMetadataMap["classes"]);
        foreach (int rows in new[] { 1, 3 })
        {
            using Tensor input = torch.rand(rows, 1, 28, 28);
            using var noGrad = no_grad();
            using Tensor expected = ((nn.Module<Tensor, Tensor>)net).forward(input);
            using OrtValue tensor = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), [rows, 1, 28, 28]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["image"], [tensor], ["logits"]);
            // Two convolutions (9 and 72 terms) and a 784-term dense layer in float32.
            Close.Assert(expected.data<float>().ToArray(), outputs[0].GetTensorDataAsSpan<float>(), 1e-5);
        }
    }

    [Fact]
    public void A_fixed_batch_size_is_written_as_a_dimension()
    {
        using nn.Module net = Classifier();

        byte[] model = OnnxExport.ToBytes(net, [1, 28, 28], new ExportOptions { BatchSize = 4 });

        using var session = new InferenceSession(model);
        Assert.Equal([4, 1, 28, 28], session.InputMetadata["input"].Dimensions);
        Assert.Equal([4, 10], session.OutputMetadata["output"].Dimensions);
    }

    [Fact]
    public void An_opset_newer_than_the_exporter_knows_is_refused()
    {
        using nn.Module net = Classifier();

        var error = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(net, [1, 28, 28], new ExportOptions { Opset = 18 }));

        Assert.Equal("opset 18 is newer than this exporter's operators are verified for (at most 17)", error.Message);
    }

    [Fact]
    public void An_opset_too_old_for_a_layer_names_the_layer()
    {
        using nn.Module net = Classifier();

        var error = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(net, [1, 28, 28], new ExportOptions { Opset = 13 }));

        Assert.Equal("BatchNormalization (at 1) needs opset 15, but the target opset is 13", error.Message);
    }

    [Fact]
    public void A_module_in_training_mode_is_refused()
    {
        using nn.Module net = Classifier();
        net.train();

        var error = Assert.Throws<InvalidOperationException>(() => OnnxExport.ToBytes(net, [1, 28, 28]));

        Assert.StartsWith("Sequential is in training mode", error.Message);
    }

    [Fact]
    public void A_failed_export_writes_no_file()
    {
        using var net = nn.Sequential(nn.Linear(4, 2), nn.Softplus());
        net.eval();
        string path = folder.File("model.onnx");

        Assert.Throws<NotSupportedException>(() => OnnxExport.Save(net, [4], path));

        Assert.Empty(folder.Files());
    }

    [Theory]
    [InlineData(new long[0], "found []")]
    [InlineData(new long[] { 1, 0, 28 }, "found [1, 0, 28]")]
    public void A_shape_without_positive_dimensions_is_refused(long[] shape, string found)
    {
        using nn.Module net = Classifier();

        var error = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(net, shape));

        Assert.Contains(found, error.Message, StringComparison.Ordinal);
    }
}
