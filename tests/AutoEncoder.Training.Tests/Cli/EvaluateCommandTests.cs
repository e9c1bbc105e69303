using System.Text.Json;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempFolder models = new();

    public void Dispose() => models.Dispose();

    private void CopyCommittedSeedModels()
    {
        foreach (string file in Directory.GetFiles(Repository.ModelsFolder))
            File.Copy(file, models.File(Path.GetFileName(file)));
    }

    [Fact]
    public void Json_output_has_the_documented_keys_and_the_models_files_stay_as_they_were()
    {
        CopyCommittedSeedModels();
        Dictionary<string, byte[]> before = Directory.GetFiles(models.Path).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models.Path, "--data", Repository.MnistFolder, "--json");

        Assert.True(code == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement root = report.RootElement;
        // The committed seed model: its test BCE was recorded at training (logits in float32); the
        // ONNX path clips probabilities at 1e-7, which changes the mean by far less than 1e-3.
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(models.File("manifest.json")));
        JsonElement lastEpoch = manifest.RootElement.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(lastEpoch.GetProperty("test_loss").GetDouble(), root.GetProperty("test_loss").GetDouble(), 3);
        Assert.Equal("bce", root.GetProperty("loss").GetString());
        Assert.InRange(root.GetProperty("test_mse").GetDouble(), 0.01, 0.1);
        Assert.InRange(root.GetProperty("knn5_accuracy").GetDouble(), 0.2, 0.6);
        Assert.InRange(root.GetProperty("knn1_accuracy").GetDouble(), 0.2, 0.6);
        Assert.InRange(root.GetProperty("trustworthiness").GetDouble(), 0.5, 1);
        // PCA-2 with 5-NN on MNIST measured 0.42 with scikit-learn; allow for its rounding and tie rules.
        Assert.InRange(root.GetProperty("pca2_knn5_accuracy").GetDouble(), 0.41, 0.44);
        // A newcomer's `make evaluate` must leave the committed models as they are.
        Assert.All(Directory.GetFiles(models.Path), file => Assert.Equal(before[Path.GetFileName(file)], File.ReadAllBytes(file)));
    }

    [Fact]
    public void The_report_goes_to_a_file_when_asked()
    {
        CopyCommittedSeedModels();
        string reportPath = models.File("report.json");

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models.Path, "--data", Repository.MnistFolder, "--json", "--out", reportPath);

        Assert.True(code == 0, error);
        using JsonDocument printed = JsonDocument.Parse(output);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(reportPath));
        Assert.Equal(printed.RootElement.GetProperty("knn5_accuracy").GetDouble(), written.RootElement.GetProperty("knn5_accuracy").GetDouble());
    }

    [Fact]
    public void A_one_class_model_is_evaluated_as_an_anomaly_detector()
    {
        // Three epochs on every training 1 (about 6,000 rows): AUROC 0.997 when measured here.
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "anomaly", "--normal-class", "1", "--epochs", "3",
            "--data", Repository.MnistFolder, "--out", models.Path);
        Assert.True(code == 0, error);

        (code, string output, error) = ConsoleCapture.Run("evaluate", "--models", models.Path, "--data", Repository.MnistFolder, "--json");

        Assert.True(code == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        JsonElement anomaly = report.RootElement.GetProperty("anomaly");
        Assert.Equal(1, anomaly.GetProperty("normal_class").GetInt32());
        // Ones are the easiest digit: PCA-32 alone separates them at 0.999 (bench-anomaly).
        Assert.InRange(anomaly.GetProperty("auroc").GetDouble(), 0.95, 1.0);
        Assert.InRange(anomaly.GetProperty("average_precision").GetDouble(), 0.95, 1.0);
        Assert.InRange(anomaly.GetProperty("recall").GetDouble(), 0.5, 1.0);
    }

    [Fact]
    public void A_model_trained_on_every_class_reports_no_anomaly_figures()
    {
        CopyCommittedSeedModels();

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models.Path, "--data", Repository.MnistFolder, "--json");

        Assert.True(code == 0, error);
        using JsonDocument report = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("anomaly").ValueKind);
    }

    [Fact]
    public void Score_writes_one_csv_line_per_test_row_atomically()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "anomaly", "--normal-class", "1", "--epochs", "1",
            "--subset", "6000", "--data", Repository.MnistFolder, "--out", models.Path);
        Assert.True(code == 0, error);

        (code, _, error) = ConsoleCapture.Run("score", "--models", models.Path, "--data", Repository.MnistFolder, "--out", models.File("scores.csv"));

        Assert.True(code == 0, error);
        Assert.Contains("scored 10,000/10,000 rows (100%)", error);
        string[] lines = File.ReadAllLines(models.File("scores.csv"));
        Assert.Equal("row,label,score,anomaly", lines[0]);
        Assert.Equal(10_001, lines.Length);
        using var detector = AutoEncoder.Inference.AnomalyDetector.Load(models.File("autoencoder.onnx"));
        string[] first = lines[1].Split(',');
        Assert.Equal(detector.Score(Mnist.TestPixels(1)), float.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((detector.Score(Mnist.TestPixels(1)) > detector.Threshold).ToString().ToLowerInvariant(), first[3]);
    }

    [Fact]
    public void Score_refuses_an_encoder_where_a_full_model_is_needed_and_writes_nothing()
    {
        File.Copy(Path.Combine(Repository.ModelsFolder, "encoder.onnx"), models.File("autoencoder.onnx"));

        (int code, _, string error) = ConsoleCapture.Run("score", "--models", models.Path, "--data", Repository.MnistFolder, "--out", models.File("scores.csv"));

        Assert.Equal(1, code);
        Assert.EndsWith("expected a model with role 'autoencoder', found 'encoder'", error.Trim());
        Assert.False(File.Exists(models.File("scores.csv")));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("-0.5")]
    public void Score_refuses_a_threshold_override_that_is_not_a_finite_score_and_writes_nothing(string threshold)
    {
        CopyCommittedSeedModels();

        (int code, _, string error) = ConsoleCapture.Run("score", "--models", models.Path, "--data", Repository.MnistFolder,
            "--threshold", threshold, "--out", models.File("scores.csv"));

        Assert.Equal(1, code);
        Assert.Equal($"error: --threshold: expected a finite score ≥ 0, found {threshold}", error.Trim());
        Assert.False(File.Exists(models.File("scores.csv")));
    }
}
