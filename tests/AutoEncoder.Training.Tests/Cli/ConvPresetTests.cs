using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>
/// A convolutional autoencoder through the whole app: trained through autograd, exported with its
/// Reshape/Conv head behind the rows-in contract, resumed, and refused where its layers cannot apply.
/// Runs on the first 640 MNIST training rows for speed; what is checked does not depend on quality.
/// </summary>
public sealed class ConvPresetTests : IDisposable
{
    private readonly TempFolder output = new();
    private readonly TempFolder other = new();

    public void Dispose()
    {
        output.Dispose();
        other.Dispose();
    }

    static (int Code, string Error) Train(string folder, string epochs, string channels = "8,16", params string[] more)
    {
        // A constant rate: a cosine schedule's horizon is the run's epoch count, so extending a run
        // changes its rates, by design.
        (int code, _, string error) = ConsoleCapture.Run(
            ["train", "--preset", "conv", "--conv-channels", channels, "--hidden", "32", "--schedule", "constant", "--subset", "640",
             "--threads", "1", "--epochs", epochs, "--data", Repository.MnistFolder, "--out", folder, .. more]);
        return (code, error);
    }

    static string[] Nodes(string file) =>
        [.. AutoEncoder.Onnx.Schema.ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).Graph.Node.Select(node => node.OpType)];

    [Fact]
    public void The_conv_preset_trains_and_exports_an_encoder_that_takes_rows()
    {
        (int code, string error) = Train(output.Path, "1");

        Assert.True(code == 0, error);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(output.File("manifest.json")));
        JsonElement conv = manifest.RootElement.GetProperty("config").GetProperty("model").GetProperty("conv");
        Assert.Equal([8, 16], conv.GetProperty("channels").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal([1, 28, 28], conv.GetProperty("image").EnumerateArray().Select(c => c.GetInt32()));
        using var encoder = Encoder.Load(output.File("encoder.onnx"));
        Assert.Equal((784, 2, InferenceBackend.OnnxRuntime), (encoder.InputSize, encoder.EmbeddingSize, encoder.Backend));
        Assert.True(encoder.Metadata.Parity <= 1e-4, $"parity {encoder.Metadata.Parity}");
        Assert.All(encoder.Encode(Mnist.TestPixels(1)), value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void A_resumed_conv_run_ends_with_the_bytes_of_an_uninterrupted_one()
    {
        Assert.Equal(0, Train(output.Path, "2").Code);
        Assert.Equal(0, Train(other.Path, "1").Code);

        (int code, _, string error) = ConsoleCapture.Run("train", "--resume", "--epochs", "2", "--data", Repository.MnistFolder, "--out", other.Path);

        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(output.File("encoder.onnx")), File.ReadAllBytes(other.File("encoder.onnx")));
        Assert.Equal(File.ReadAllBytes(output.File("decoder.onnx")), File.ReadAllBytes(other.File("decoder.onnx")));
    }

    [Fact]
    public void A_conv_model_of_fashion_mnist_is_evaluated_and_plotted_like_a_dense_one()
    {
        string fashion = Path.Combine(Repository.Root, "data", "fashion-mnist");
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "conv", "--conv-channels", "8,16", "--hidden", "32",
            "--subset", "640", "--threads", "1", "--epochs", "1", "--data", fashion, "--out", output.Path);
        Assert.True(code == 0, error);

        (code, string report, error) = ConsoleCapture.Run("evaluate", "--models", output.Path, "--data", fashion, "--json");
        Assert.True(code == 0, error);
        (code, _, error) = ConsoleCapture.Run("plot", "--models", output.Path, "--data", fashion, "--out", other.Path);

        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(report);
        // One epoch on 640 images: far from trained, but its codes must already beat chance (0.1) among ten classes.
        Assert.InRange(json.RootElement.GetProperty("knn5_accuracy").GetDouble(), 0.2, 1);
        Assert.True(File.Exists(other.File("latent.png")) && File.Exists(other.File("reconstructions.png")));
    }

    [Fact]
    public void Batch_norm_is_exported_as_nodes_and_dropout_leaves_none()
    {
        (int code, string error) = Train(output.Path, "1", "8,16", "--batch-norm", "--dropout", "0.2");

        Assert.True(code == 0, error);
        // Two convolutions and one hidden layer in the encoder; in the decoder its mirror, the layer
        // before the transposed convolutions and the first of those (the last one gives the logits).
        Assert.Equal(3, Nodes(output.File("encoder.onnx")).Count(op => op == "BatchNormalization"));
        Assert.Equal(3, Nodes(output.File("decoder.onnx")).Count(op => op == "BatchNormalization"));
        Assert.DoesNotContain(Nodes(output.File("autoencoder.onnx")), op => op == "Dropout");
        using var encoder = Encoder.Load(output.File("encoder.onnx"));
        Assert.True(encoder.Metadata.Parity <= 1e-4, $"parity {encoder.Metadata.Parity}");
    }

    [Fact]
    public void A_resumed_run_with_dropout_and_batch_norm_ends_with_the_bytes_of_an_uninterrupted_one()
    {
        string[] regularised = ["--batch-norm", "--dropout", "0.2"];
        Assert.Equal(0, Train(output.Path, "2", "8,16", regularised).Code);
        Assert.Equal(0, Train(other.Path, "1", "8,16", regularised).Code);

        (int code, _, string error) = ConsoleCapture.Run("train", "--resume", "--epochs", "2", "--data", Repository.MnistFolder, "--out", other.Path);

        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(output.File("autoencoder.onnx")), File.ReadAllBytes(other.File("autoencoder.onnx")));
    }

    [Fact]
    public void Batch_norm_with_a_last_batch_of_one_row_is_refused_before_training()
    {
        // 640 rows in batches of 639 leave one row for the epoch's last batch.
        (int code, string error) = Train(output.Path, "1", "8,16", "--batch-norm", "--batch-size", "639");

        Assert.Equal(1, code);
        Assert.Contains("--batch-norm: 640 training rows in batches of 639 leave a last batch of 1 row", error);
        Assert.Empty(output.Files());
    }

    [Fact]
    public void A_dropout_rate_outside_zero_to_one_is_refused()
    {
        (int code, string error) = Train(output.Path, "1", "8,16", "--dropout", "1");

        Assert.Equal(1, code);
        Assert.Contains("dropout", error);
        Assert.Contains("expected a probability in [0, 1)", error);
        Assert.Empty(output.Files());
    }

    [Fact]
    public void Convolutions_the_decoder_cannot_mirror_back_to_the_image_size_are_refused()
    {
        (int code, string error) = Train(output.Path, "1", channels: "8,8,8");

        Assert.Equal(1, code);
        Assert.Contains("3 stride-2 convolutions take a side of 28 to 4, and the decoder's mirror back to 32, not 28", error);
        Assert.Empty(output.Files());
    }

    [Fact]
    public void Convolutions_on_a_table_are_refused()
    {
        File.WriteAllText(other.File("table.csv"), "a,b,c\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"{i},{i % 7},{i % 3}\n")));

        (int code, _, string error) = ConsoleCapture.Run("train", "--conv-channels", "8", "--data", other.File("table.csv"), "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Contains("--conv-channels: expected image data (IDX, a 3-D .npy, an image folder), found rows of 3 features", error);
        Assert.Empty(output.Files());
    }
}
