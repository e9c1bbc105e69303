using System.Text.Json;
using AutoEncoder.Onnx.Schema;
using Google.Protobuf;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>A small variational model and a small plain one, trained once through the command line for the tests below.</summary>
public sealed class TrainedFamilyModels : IDisposable
{
    private readonly TempFolder folder = new();

    public TrainedFamilyModels()
    {
        Vae = folder.File("vae");
        Plain = folder.File("plain");
        Train("--preset", "vae", "--hidden", "32", "--subset", "5000", "--epochs", "2", "--out", Vae);
        Train("--hidden", "32", "--subset", "500", "--epochs", "1", "--out", Plain);
    }

    /// <summary>A 784-32-2 variational model (2 epochs on 5,000 images).</summary>
    public string Vae { get; }

    /// <summary>A 784-32-2 autoencoder.</summary>
    public string Plain { get; }

    private static void Train(params string[] args)
    {
        (int code, _, string error) = ConsoleCapture.Run(["train", "--data", Repository.MnistFolder, "--quiet", .. args]);
        if (code != 0) throw new InvalidOperationException(error);
    }

    public void Dispose() => folder.Dispose();
}

public sealed class VariationalCommandTests(TrainedFamilyModels trained) : IClassFixture<TrainedFamilyModels>, IDisposable
{
    private readonly TempFolder output = new();

    public void Dispose() => output.Dispose();

    [Fact]
    public void Sample_writes_a_png_grid_of_generated_images()
    {
        (int code, string text, string error) = ConsoleCapture.Run("sample", "--models", trained.Vae, "--count", "16", "--out", output.File("grid.png"));

        Assert.True(code == 0, error);
        Assert.Equal($"wrote 16 generated rows to {output.File("grid.png")}", text.Trim());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(output.File("grid.png"))[..4]);
    }

    [Fact]
    public void Sample_with_one_seed_writes_the_same_rows_and_another_seed_others()
    {
        ConsoleCapture.Run("sample", "--models", trained.Vae, "--count", "3", "--seed", "5", "--out", output.File("a.csv"));
        ConsoleCapture.Run("sample", "--models", trained.Vae, "--count", "3", "--seed", "5", "--out", output.File("b.csv"));
        ConsoleCapture.Run("sample", "--models", trained.Vae, "--count", "3", "--seed", "6", "--out", output.File("c.csv"));

        string[] lines = File.ReadAllLines(output.File("a.csv"));
        Assert.Equal(4, lines.Length); // a header and three rows
        Assert.Equal(784, lines[1].Split(',').Length);
        Assert.Equal(File.ReadAllBytes(output.File("a.csv")), File.ReadAllBytes(output.File("b.csv")));
        Assert.NotEqual(File.ReadAllBytes(output.File("a.csv")), File.ReadAllBytes(output.File("c.csv")));
    }

    [Theory]
    [InlineData("plain", "grid.png", "error: {1}: expected a variational model's decoder (metadata prior 'standard_normal'), found a plain autoencoder's: train with --objective vae")]
    [InlineData("vae", "grid.txt", "error: --out: expected a .png or .csv file, found '{0}'")]
    public void Sample_refuses_a_plain_model_or_an_unknown_file_kind_in_one_line_writing_nothing(string model, string file, string message)
    {
        string path = output.File(file);

        (int code, _, string error) = ConsoleCapture.Run("sample", "--models", model == "vae" ? trained.Vae : trained.Plain, "--out", path);

        Assert.Equal(1, code);
        Assert.Equal(string.Format(message, path, Path.Combine(trained.Plain, "decoder.onnx")), error.Trim());
        Assert.Empty(output.Files());
    }

    [Fact]
    public void Sample_refuses_a_malformed_image_shape_in_one_line_naming_the_decoder()
    {
        string models = output.File("bad-shape"), png = output.File("grid.png");
        Directory.CreateDirectory(models);
        ModelProto decoder = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(trained.Vae, "decoder.onnx")));
        decoder.MetadataProps.Single(entry => entry.Key == "image_shape").Value = "28,x";
        File.WriteAllBytes(Path.Combine(models, "decoder.onnx"), decoder.ToByteArray());

        (int code, _, string error) = ConsoleCapture.Run("sample", "--models", models, "--out", png);

        Assert.Equal(1, code);
        Assert.Equal($"error: {Path.Combine(models, "decoder.onnx")}: expected metadata image_shape 'H,W' or 'C,H,W' of 784 values, found '28,x'", error.Trim());
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void The_conv_preset_trains_as_a_variational_model_and_exports_both_outputs()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "conv", "--objective", "vae", "--subset", "500", "--epochs", "1",
            "--data", Repository.MnistFolder, "--quiet", "--out", output.Path);

        Assert.True(code == 0, error);
        var graph = AutoEncoder.Onnx.Schema.ModelProto.Parser.ParseFrom(File.ReadAllBytes(output.File("encoder.onnx"))).Graph;
        Assert.Equal(["embedding", "log_variance"], graph.Output.Select(o => o.Name));
        using var encoder = AutoEncoder.Inference.Encoder.Load(output.File("encoder.onnx"));
        Assert.Equal(2, encoder.EmbeddingSize);
    }

    [Fact]
    public void Evaluate_reports_the_negative_elbo_and_a_lower_importance_weighted_nll()
    {
        (int code, string text, string error) = ConsoleCapture.Run("evaluate", "--models", trained.Vae, "--json");

        Assert.True(code == 0, error);
        JsonElement variational = JsonDocument.Parse(text).RootElement.GetProperty("variational");
        double elbo = variational.GetProperty("negative_elbo").GetDouble(), nll = variational.GetProperty("importance_weighted_nll").GetDouble();
        // Two epochs on 5,000 images: far from PyTorch's 139 nats, far better than an untrained 543 (784 · ln 2).
        Assert.InRange(elbo, 150, 400);
        Assert.True(nll < elbo, $"{nll:F2} against {elbo:F2}");
        Assert.Equal(100, variational.GetProperty("samples").GetInt32());
    }

    [Fact]
    public void Evaluate_with_noise_reports_the_psnr_of_corrupted_rows_and_of_their_reconstructions()
    {
        (int code, string text, string error) = ConsoleCapture.Run("evaluate", "--models", trained.Plain, "--noise", "gaussian:0.5", "--json");

        Assert.True(code == 0, error);
        JsonElement denoising = JsonDocument.Parse(text).RootElement.GetProperty("denoising");
        Assert.Equal("gaussian:0.5", denoising.GetProperty("noise").GetString());
        // NOTES.md: MNIST test images with σ = 0.5, clipped, are 9.38 dB from the clean ones (another draw: ±0.05).
        Assert.Equal(9.38, denoising.GetProperty("corrupted_psnr").GetDouble(), 0.05);
        Assert.InRange(denoising.GetProperty("reconstructed_psnr").GetDouble(), 5, 30);
    }

    [Fact]
    public void Evaluate_refuses_a_bad_noise_rule_in_one_line()
    {
        (int code, _, string error) = ConsoleCapture.Run("evaluate", "--models", trained.Plain, "--noise", "gaussian:x");

        Assert.Equal(1, code);
        Assert.Equal($"error: --noise: expected {AutoEncoder.Training.Config.NoiseRule.Expected}, found 'gaussian:x'", error.Trim());
    }

    [Fact]
    public void Evaluate_with_noise_refuses_models_without_a_full_model_in_one_line()
    {
        string models = output.File("encoder-only");
        Directory.CreateDirectory(models);
        foreach (string file in new[] { "encoder.onnx", "manifest.json" })
            File.Copy(Path.Combine(trained.Plain, file), Path.Combine(models, file));

        (int code, _, string error) = ConsoleCapture.Run("evaluate", "--models", models, "--noise", "gaussian:0.5");

        Assert.Equal(1, code);
        Assert.Equal($"error: --noise: expected autoencoder.onnx in {models} to reconstruct the corrupted rows, found none", error.Trim());
    }
}
