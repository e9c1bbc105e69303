using System.Globalization;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>Training on a user's own CSV: unscaled columns, a text label column, a config file.</summary>
public sealed class OwnDataTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    // Three clusters in 6 columns of very different scales (one near 1e5, one constant), labelled by name.
    private string WriteCsv(int rows = 600)
    {
        var random = new Random(7);
        string path = folder.File("sensors.csv");
        var lines = new List<string> { "pressure,flow,temp,constant,a,b,kind" };
        for (int i = 0; i < rows; i++)
        {
            int k = i % 3;
            double Noise() => random.NextDouble() - 0.5;
            lines.Add(string.Join(',', new[] { 100_000 + 500 * k + 50 * Noise(), 0.01 * k + 0.001 * Noise(), 20 + 5 * k + Noise(), 3, k + Noise(), -k + Noise() }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "," + new[] { "idle", "run", "fault" }[k]);
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    private string Train(params string[] extra)
    {
        string models = folder.File("models");
        (int code, _, string error) = ConsoleCapture.Run(["train", "--hidden", "16", "--latent", "2", "--activation", "relu", "--epochs", "3", "--out", models, .. extra]);
        Assert.True(code == 0, error);
        return models;
    }

    [Fact]
    public void Encoder_fed_the_raw_csv_rows_returns_the_codes_the_trainer_computes()
    {
        string csv = WriteCsv();
        string models = Train("--data", csv, "--label-column", "kind");

        (CheckpointState state, AutoEncoderModel model, _) = Checkpoint.Load(Path.Combine(models, Checkpoint.FileName));
        using (model)
        {
            DataSet data = DataSource.Load(csv, state.Config.DataOptions, state.Config.Seed);
            TrainingData prepared = TrainingData.Prepare(data, state.Config);
            Assert.Equal("standard", state.Config.Scaling);
            Assert.Equal(ReconstructionLoss.Mse, state.Config.Loss);

            model.eval();
            using var input = tensor(prepared.Scaler.Apply(data.Test).Rows, [data.Test.Count, 6]);
            using Tensor codes = model.Encoder.forward(input);
            foreach (InferenceBackend backend in new[] { InferenceBackend.Managed, InferenceBackend.OnnxRuntime })
            {
                using var encoder = Encoder.Load(Path.Combine(models, "encoder.onnx"), new InferenceOptions { Backend = backend });
                // float32 products in another summation order (as in the export parity tests), after the same
                // float32 scaling: within 1e-5.
                Close.Assert(codes.data<float>().ToArray(), encoder.EncodeBatch(data.Test.Rows), 1e-5);
            }
        }
    }

    [Fact]
    public void A_variational_model_of_a_scaled_table_has_a_gaussian_decoder_and_samples_rows_in_the_csv_units()
    {
        string csv = WriteCsv();
        string models = Train("--data", csv, "--label-column", "kind", "--objective", "vae");

        using var decoder = Decoder.Load(Path.Combine(models, "decoder.onnx"));
        (int code, _, string error) = ConsoleCapture.Run("evaluate", "--models", models, "--json");
        float[] rows = decoder.Sample(200, seed: 0);
        decoder.ToRawValues(rows);

        Assert.True(code == 0, error);
        Assert.Contains("unit-variance Gaussian", decoder.Metadata.Properties["objective"]);
        Assert.True(decoder.IsGenerative);
        // Three epochs of 540 rows learn the table's scale: the pressure column's samples sit near its 100,000–101,000.
        double pressure = Enumerable.Range(0, 200).Average(r => (double)rows[r * 6]);
        Assert.InRange(pressure, 98_000, 103_000);
    }

    [Fact]
    public void The_decoder_maps_scaled_rows_back_to_the_csv_units()
    {
        string csv = WriteCsv();
        string models = Train("--data", csv, "--label-column", "kind");
        (CheckpointState state, AutoEncoderModel model, _) = Checkpoint.Load(Path.Combine(models, Checkpoint.FileName));
        model.Dispose();
        DataSet data = DataSource.Load(csv, state.Config.DataOptions, state.Config.Seed);
        TrainingData prepared = TrainingData.Prepare(data, state.Config);
        using var decoder = Decoder.Load(Path.Combine(models, "decoder.onnx"));

        // The rows as training scaled them, mapped back by the inverse the model records: the raw rows
        // again, to float32 rounding of (x − offset) · scale / scale + offset: a few units in the last place,
        // relative to values up to 100,000 (rtol 1e-6), and 1e-6 absolute for the columns near zero.
        float[] scaled = prepared.Scaler.Apply(data.Test).Rows;
        decoder.ToRawValues(scaled);

        Close.Assert(data.Test.Rows, scaled, atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void A_config_file_sets_options_and_a_flag_overrides_it()
    {
        string csv = WriteCsv();
        string config = folder.File("config.json");
        File.WriteAllText(config, """{ "data": "sensors.csv", "label-column": "kind", "hidden": [8], "epochs": 1, "scaling": "minmax", "seed": 5 }""");
        string models = folder.File("models");

        (int code, _, string error) = ConsoleCapture.Run("train", "--config", config, "--epochs", "2", "--activation", "relu", "--out", models);

        Assert.True(code == 0, error);
        TrainingConfig trained = Manifest.Load(Path.Combine(models, Manifest.FileName)).Config;
        Assert.Equal((2, 5L, "minmax", ReconstructionLoss.Bce), (trained.Epochs, trained.Seed, trained.Scaling, trained.Loss));
        Assert.Equal([8], trained.Model.Hidden);
        Assert.Equal("kind", trained.DataOptions.LabelColumn);
    }

    [Theory]
    [InlineData("""{ "epoch": 3 }""", "unknown key 'epoch'; expected one of ")]
    [InlineData("""{ "epochs": "ten" }""", "key 'epochs': expected an integer of at most 2147483647, found string \"ten\"")]
    [InlineData("""{ "epochs": 3000000000 }""", "key 'epochs': expected an integer of at most 2147483647, found number 3000000000")]
    [InlineData("""{ "epochs": 2, "epochs": 3 }""", "found malformed JSON (Duplicate")]
    [InlineData("""{ "loss": "l1" }""", "key 'loss': expected one of bce, mse, found string \"l1\"")]
    [InlineData("""[1, 2]""", "expected a JSON object of options, found a array")]
    public void A_bad_config_file_fails_with_one_line_naming_the_key(string json, string message)
    {
        string config = folder.File("config.json");
        File.WriteAllText(config, json);

        (int code, _, string error) = ConsoleCapture.Run("train", "--config", config, "--out", folder.File("models"));

        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(folder.File("models")));
    }

    [Fact]
    public void A_wrong_type_in_the_config_is_reported_even_when_a_flag_overrides_the_key()
    {
        string config = folder.File("config.json");
        File.WriteAllText(config, """{ "epochs": "ten" }""");

        (int code, _, string error) = ConsoleCapture.Run("train", "--config", config, "--epochs", "2", "--out", folder.File("models"));

        Assert.Equal(1, code);
        Assert.Contains("key 'epochs': expected an integer", error);
    }

    [Fact]
    public void A_config_saved_with_a_byte_order_mark_is_read()
    {
        WriteCsv();
        string config = folder.File("config.json");
        File.WriteAllText(config, """{ "data": "sensors.csv", "label-column": "kind", "hidden": [8], "epochs": 1, "scaling": "minmax" }""",
            new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(config)[0]);

        (int code, _, string error) = ConsoleCapture.Run("train", "--config", config, "--out", folder.File("models"));

        Assert.True(code == 0, error);
    }

    [Fact]
    public void Bce_on_values_outside_zero_to_one_fails_naming_the_fix()
    {
        string csv = WriteCsv();

        (int code, _, string error) = ConsoleCapture.Run("train", "--data", csv, "--label-column", "kind", "--loss", "bce", "--out", folder.File("models"));

        Assert.Equal(1, code);
        Assert.Contains("--loss bce: expected scaled training values in [0, 1], found", error);
        Assert.Contains("use --scaling minmax or --loss mse", error);
    }

    [Fact]
    public void The_anomaly_preset_on_a_table_fails_naming_the_score_it_needs_instead()
    {
        string csv = WriteCsv();
        string models = folder.File("models");

        // The preset's structural score blurs images; a table has no neighbouring pixels to blur.
        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "anomaly", "--data", csv, "--label-column", "kind", "--normal-class", "1", "--out", models);

        Assert.Equal(1, code);
        Assert.Equal("error: --score structural: expected image data (IDX, a 3-D .npy, an image folder), found rows of 6 features without an image shape; use --score mse",
            error.Trim());
        Assert.False(Directory.Exists(models) && Directory.EnumerateFileSystemEntries(models).Any());
    }

    [Fact]
    public void The_anomaly_score_compares_reconstructions_with_rows_in_the_scaled_space()
    {
        string csv = WriteCsv();
        string models = Train("--data", csv, "--label-column", "kind", "--normal-class", "1");
        using var detector = AnomalyDetector.Load(Path.Combine(models, "autoencoder.onnx"));
        DataSplit rows = DataSource.ReadRows(csv, new DataOptions(LabelColumn: "kind"));

        float[] scores = detector.ScoreBatch(rows.Rows);

        // Raw rows hold values near 1e5: compared unscaled, scores would be near 1e10. Scaled, the normal
        // class ("idle", "run", "fault" → classes fault 0, idle 1, run 2) scores far below the others.
        double Mean(int label) => Enumerable.Range(0, rows.Count).Where(i => rows.Labels![i] == label).Average(i => scores[i]);
        Assert.True(scores.Max() < 1e4, $"largest score {scores.Max()}");
        Assert.True(Mean(1) < Mean(0) && Mean(1) < Mean(2), $"means {Mean(0)}, {Mean(1)}, {Mean(2)}");
    }

    [Fact]
    public void Evaluate_finds_the_data_through_the_manifest_without_data()
    {
        string csv = WriteCsv();
        string models = Train("--data", csv, "--label-column", "kind");

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models, "--json");

        Assert.True(code == 0, error);
        using var report = System.Text.Json.JsonDocument.Parse(output);
        Assert.InRange(report.RootElement.GetProperty("knn5_accuracy").GetDouble(), 0.9, 1);
    }

    [Fact]
    public void Evaluate_of_a_small_test_set_skips_trustworthiness_and_reports_the_rest()
    {
        string csv = WriteCsv(rows: 200); // 20 held-out rows: fewer than the 32 trustworthiness needs at k = 10
        string models = Train("--data", csv, "--label-column", "kind");

        (int code, string output, string error) = ConsoleCapture.Run("evaluate", "--models", models, "--json");

        Assert.True(code == 0, error);
        using var report = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, report.RootElement.GetProperty("trustworthiness").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, report.RootElement.GetProperty("knn5_accuracy").ValueKind);
    }

    [Fact]
    public void A_column_named_like_a_label_that_is_trained_on_is_warned_about_naming_the_flag()
    {
        string csv = folder.File("labelled.csv");
        File.WriteAllLines(csv, ["a,b,label", .. Enumerable.Range(0, 100).Select(i => $"{i % 7},{i % 5},{i % 2}")]);

        (int code, _, string error) = ConsoleCapture.Run("train", "--data", csv, "--epochs", "1", "--out", folder.File("models"));

        Assert.True(code == 0, error);
        Assert.Contains("warning: column 'label' is trained on as a feature; if it holds classes, give --label-column label", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Hidden_layers_given_to_the_linear_seed_preset_bring_relu()
    {
        string csv = WriteCsv();

        (int code, _, string error) = ConsoleCapture.Run("train", "--data", csv, "--label-column", "kind", "--hidden", "16", "--epochs", "1", "--out", folder.File("models"));

        Assert.True(code == 0, error);
        Assert.Contains("training 6-16-2 relu on", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_column_keys_the_index_and_search_reports_the_keys()
    {
        string csv = folder.File("parts.csv");
        var random = new Random(3);
        File.WriteAllLines(csv, ["part,a,b,c,kind", .. Enumerable.Range(0, 300).Select(i =>
            $"P-{i:D3},{i % 3 + random.NextDouble()},{-(i % 3) + random.NextDouble()},{random.NextDouble()},{i % 3}")]);
        string models = Train("--data", csv, "--label-column", "kind", "--id-column", "part");
        string index = folder.File("parts.index");

        (int code, _, string error) = ConsoleCapture.Run("index", "--models", models, "--out", index);
        Assert.True(code == 0, error);
        (code, string output, error) = ConsoleCapture.Run("search", "--index", index, "--models", models, "--row", "0", "-k", "4", "--json");

        Assert.True(code == 0, error);
        using var answer = System.Text.Json.JsonDocument.Parse(output);
        var neighbors = answer.RootElement.GetProperty("queries")[0].GetProperty("neighbors").EnumerateArray().ToArray();
        Assert.Equal(4, neighbors.Length);
        Assert.All(neighbors, n => Assert.Matches("^P-[0-9]{3}$", n.GetProperty("key").GetString()));
    }
}
