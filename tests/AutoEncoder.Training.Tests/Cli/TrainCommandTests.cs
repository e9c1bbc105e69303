using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Preprocessing;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private readonly TempFolder data = new();
    private readonly TempFolder output = new();

    public void Dispose()
    {
        data.Dispose();
        output.Dispose();
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1];

    [Fact]
    public void A_truncated_data_file_fails_with_one_line_and_writes_nothing()
    {
        DataFiles.WriteMnistFolder(data.Path);
        byte[] images = File.ReadAllBytes(data.File("train-images-idx3-ubyte"));
        File.WriteAllBytes(data.File("train-images-idx3-ubyte"), images[..^10]);

        (int code, _, string error) = ConsoleCapture.Run("train", "--data", data.Path, "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Equal("error: train-images-idx3-ubyte: header declares 20x28x28 = 15680 bytes of data, found 15670", error.Trim());
        Assert.Empty(output.Files());
    }

    [Fact]
    public void A_missing_data_folder_names_the_path_and_the_fix()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--data", data.File("nowhere"), "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Matches("^error: .*nowhere: no such file or folder \\(for MNIST run 'make data'\\)$", error.Trim());
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be at least 1, found 0")]
    [InlineData("--learning-rate", "-1", "--learning-rate must be a finite number > 0, found -1")]
    [InlineData("--preset", "huge", "huge")]
    [InlineData("--hidden", "512,x", "--hidden expects positive integers separated by commas, found 'x'")]
    public void A_bad_flag_fails_before_any_work_naming_the_problem(string flag, string value, string message)
    {
        (int code, _, string error) = ConsoleCapture.Run("train", flag, value, "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
        Assert.Empty(output.Files());
    }

    [Fact]
    public void Resume_without_a_checkpoint_says_so()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--resume", "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Contains("no checkpoint at", LastLine(error));
    }

    [Fact]
    public void A_short_real_run_writes_checkpoint_models_and_a_manifest_with_their_hashes()
    {
        (int code, string stdout, string error) = ConsoleCapture.Run(
            "train", "--epochs", "1", "--subset", "3000", "--batch-size", "64", "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.True(code == 0, error);
        Assert.Contains("epoch 1/1  train loss", error);
        Assert.StartsWith("trained in", stdout);
        Assert.Equal(["autoencoder.onnx", "checkpoint.bin", "decoder.onnx", "encoder.onnx", "manifest.json"], output.Files());

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(output.File("manifest.json")));
        JsonElement root = manifest.RootElement;
        // The manifest's shape, one name per fact (golden): what a consumer may rely on.
        Assert.Equal(["config", "train_seconds", "history", "data", "artifacts", "parity", "data_path"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["preset", "model", "epochs", "batch_size", "learning_rate", "seed", "threads", "schedule", "subset", "path", "normal_class",
             "score", "threshold", "data", "scaling", "loss", "objective", "umap", "patience", "beta", "noise", "activity_l1"],
            root.GetProperty("config").EnumerateObject().Select(p => p.Name));
        Assert.Equal(64, root.GetProperty("config").GetProperty("batch_size").GetInt32());
        foreach (JsonProperty artifact in root.GetProperty("artifacts").EnumerateObject())
            Assert.Equal(AutoEncoder.Training.IO.FileHash.Sha256(output.File(artifact.Name)), artifact.Value.GetString());
        foreach (JsonProperty parity in root.GetProperty("parity").EnumerateObject())
            Assert.InRange(parity.Value.GetDouble(), 0, 1e-4);
    }

    [Fact]
    public void A_model_of_other_settings_is_not_replaced_without_force()
    {
        string[] run = ["train", "--epochs", "1", "--subset", "640", "--data", Repository.MnistFolder, "--out", output.Path];
        (int code, _, string error) = ConsoleCapture.Run([.. run, "--batch-size", "64"]);
        Assert.True(code == 0, error);
        byte[] before = File.ReadAllBytes(output.File("encoder.onnx"));

        (code, _, error) = ConsoleCapture.Run([.. run, "--batch-size", "32"]);

        Assert.Equal(1, code);
        Assert.Equal($"error: {output.Path}: holds a model trained with batch_size 64 (now 32); give --force to replace it, or another --out", LastLine(error));
        Assert.Equal(before, File.ReadAllBytes(output.File("encoder.onnx")));
        (code, _, error) = ConsoleCapture.Run([.. run, "--batch-size", "32", "--force"]);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void The_same_settings_on_the_same_data_retrain_in_place()
    {
        string[] run = ["train", "--epochs", "1", "--subset", "640", "--data", Repository.MnistFolder, "--out", output.Path];
        Assert.Equal(0, ConsoleCapture.Run(run).ExitCode);

        (int code, _, string error) = ConsoleCapture.Run(run);

        Assert.True(code == 0, error);
    }

    [Fact]
    public void Quiet_prints_no_progress_only_the_result()
    {
        (int code, string stdout, string error) = ConsoleCapture.Run(
            "train", "--quiet", "--epochs", "2", "--subset", "640", "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.True(code == 0, error);
        Assert.Equal("", error);
        Assert.StartsWith("trained in", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subset_is_recorded_in_the_manifest_the_metadata_and_the_checkpoint()
    {
        (int code, _, string error) = ConsoleCapture.Run(
            "train", "--epochs", "1", "--subset", "640", "--batch-size", "64", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.True(code == 0, error);

        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(output.File("manifest.json")));
        Assert.Equal(640, manifest.RootElement.GetProperty("config").GetProperty("subset").GetInt32());
        using var encoder = AutoEncoder.Inference.Encoder.Load(output.File("encoder.onnx"));
        Assert.Contains("\"subset\":640", encoder.Metadata.TrainingConfiguration);
        (var state, var model, _) = AutoEncoder.Training.Artifacts.Checkpoint.Load(output.File("checkpoint.bin"));
        model.Dispose();
        Assert.Equal(640, state.Config.Subset);
    }

    [Fact]
    public void Resume_keeps_the_checkpoints_subset_and_refuses_another()
    {
        (int code, _, string error) = ConsoleCapture.Run(
            "train", "--epochs", "1", "--subset", "640", "--batch-size", "64", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.True(code == 0, error);

        (code, _, error) = ConsoleCapture.Run("train", "--resume", "--epochs", "2", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.True(code == 0, error);
        Assert.Contains("resuming 784-2 linear on 640 rows", error);

        (code, _, error) = ConsoleCapture.Run("train", "--resume", "--epochs", "3", "--subset", "1000", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.Equal(1, code);
        Assert.Matches("^error: --subset: expected 640 as in .*checkpoint.bin \\(a resumed run trains on the same rows\\), found 1000$", error.Trim());
    }

    [Fact]
    public void Asking_the_fused_path_for_a_network_it_cannot_train_fails_with_one_line_naming_the_layer()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--activation", "leakyrelu", "--hidden", "16", "--training-path", "fused",
            "--epochs", "1", "--subset", "64", "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.Equal(1, code);
        Assert.StartsWith("error: the fused training step cannot train this model: encoder.1 (LeakyRelu) is not part of a chain", error.Trim());
        Assert.Single(error.Trim().Split('\n'));
        Assert.Empty(output.Files());
    }

    [Fact]
    public void A_one_class_model_carries_the_threshold_its_held_out_rows_give()
    {
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "anomaly", "--normal-class", "0", "--epochs", "1",
            "--subset", "3000", "--threshold", "percentile:95", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.True(code == 0, error);

        using var detector = AnomalyDetector.Load(output.File("autoencoder.onnx"));
        TrainingConfig config = TrainingConfig.AnomalyPreset with { NormalClass = 0, Subset = 3000 };
        DataSplit heldOut = TrainingRows.Select(Mnist.DataSet.Train, config).Calibration!;
        double[] scores = [.. detector.ScoreBatch(heldOut.Rows).Select(s => (double)s).Order()];

        Assert.Equal("percentile:95", detector.Metadata.Properties["anomaly_threshold_rule"]);
        Assert.Equal("0", detector.Metadata.Properties["anomaly_normal_class"]);
        Assert.Equal(heldOut.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), detector.Metadata.Properties["anomaly_calibration_rows"]);
        // The same scores through the same code: the threshold is their 95th percentile, to float rounding.
        Assert.Equal(ThresholdRule.Quantile(scores, 0.95), detector.Threshold!.Value, 1e-7);
        Assert.InRange(scores.Count(s => s > detector.Threshold), 1, (int)Math.Ceiling(heldOut.Count * 0.05));
    }

    [Fact]
    public void The_one_class_protocol_reports_auroc_beside_pca()
    {
        (int code, string stdout, string error) = ConsoleCapture.Run("bench-anomaly", "--classes", "1", "--epochs", "1", "--data", Repository.MnistFolder);

        Assert.True(code == 0, error);
        Assert.Contains("PCA-32 AUROC", stdout);
        Assert.Matches(@"class 1: AUROC 0\.9\d{3} \(PCA-32 0\.9\d{3}\)", error);
    }
}
