using System.Buffers.Binary;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Plots;
using AutoEncoder.Training.Tests.Export;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Plots;

public sealed class PlotterTests(TrainedModels models) : IClassFixture<TrainedModels>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], bytes[..8]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    [Fact]
    public void Writes_four_valid_pngs_of_the_declared_sizes_for_the_committed_models()
    {
        IReadOnlyList<string> written = Plotter.Write(Repository.ModelsFolder, Mnist.WithTestRows(2000), folder.Path);

        Assert.Equal(["latent.png", "loss.png", "manifold.png", "reconstructions.png"], folder.Files());
        Assert.Equal((900, 800), PngSize(folder.File("latent.png")));
        Assert.Equal((1000, 260), PngSize(folder.File("reconstructions.png")));
        Assert.Equal((800, 830), PngSize(folder.File("manifold.png")));
        Assert.Equal((800, 500), PngSize(folder.File("loss.png")));
        // A blank canvas compresses to a few KB; thousands of coloured points or digit tiles do not.
        Assert.All(written, path => Assert.True(new FileInfo(path).Length > 20_000, $"{path}: {new FileInfo(path).Length} bytes"));
    }

    [Fact]
    public void A_one_class_model_also_gets_its_score_histograms_and_roc_curve()
    {
        string modelDir = folder.File("ones");
        (int code, _, string error) = Cli.ConsoleCapture.Run("train", "--preset", "anomaly", "--normal-class", "1", "--epochs", "1",
            "--data", Repository.MnistFolder, "--out", modelDir);
        Assert.True(code == 0, error);

        Plotter.Write(modelDir, Mnist.WithTestRows(2000), folder.File("out"));

        Assert.Equal((900, 550), PngSize(Path.Combine(folder.File("out"), "scores.png")));
        Assert.Equal((650, 600), PngSize(Path.Combine(folder.File("out"), "roc.png")));
    }

    [Fact]
    public void Codes_wider_than_two_are_plotted_in_their_principal_plane()
    {
        string modelDir = Directory.CreateDirectory(folder.File("tanh")).FullName;
        foreach (ModelRole role in ModelRoles.All)
            File.WriteAllBytes(Path.Combine(modelDir, role.FileName()), models.Onnx("tanh", role));

        Plotter.Write(modelDir, Mnist.WithTestRows(500), folder.File("out"));

        // No manifest beside these models, so no loss curve.
        Assert.Equal(["latent.png", "manifold.png", "reconstructions.png"],
            Directory.GetFiles(folder.File("out")).Select(Path.GetFileName).Order());
    }
}
