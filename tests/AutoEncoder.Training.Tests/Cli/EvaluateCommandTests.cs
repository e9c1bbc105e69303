using System.Text.Json;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public void Json_output_has_the_documented_keys_and_the_manifest_records_them()
    {
        foreach (string file in Directory.GetFiles(Repository.ModelsFolder))
            File.Copy(file, models.File(Path.GetFileName(file)));

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models.Path, "--data", Repository.MnistFolder, "--json");

        Assert.True(code == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement root = report.RootElement;
        // The committed seed model: its test BCE was recorded at training (logits in float32); the
        // ONNX path clips probabilities at 1e-7, which changes the mean by far less than 1e-3.
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(models.File("manifest.json")));
        Assert.Equal(manifest.RootElement.GetProperty("test_bce").GetDouble(), root.GetProperty("test_bce").GetDouble(), 3);
        Assert.InRange(root.GetProperty("test_mse").GetDouble(), 0.01, 0.1);
        Assert.InRange(root.GetProperty("knn5_accuracy").GetDouble(), 0.2, 0.6);
        // PCA-2 with 5-NN on MNIST measured 0.42 with scikit-learn; allow for its rounding and tie rules.
        Assert.InRange(root.GetProperty("pca2_knn5_accuracy").GetDouble(), 0.41, 0.44);
        Assert.Equal(root.GetProperty("knn5_accuracy").GetDouble(),
            manifest.RootElement.GetProperty("evaluation").GetProperty("knn5_accuracy").GetDouble());
    }
}
