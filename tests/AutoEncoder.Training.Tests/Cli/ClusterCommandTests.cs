using System.Globalization;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary><c>autoencoder cluster</c> on the committed seed model (2-D codes of all of MNIST) and on an unlabelled table.</summary>
public sealed class ClusterCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string SeedModels()
    {
        string models = folder.File("seed");
        Directory.CreateDirectory(models);
        foreach (string file in Directory.GetFiles(Repository.ModelsFolder)) File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        return models;
    }

    private static JsonElement Cluster(string models, params string[] extra)
    {
        (int code, string output, string error) = ConsoleCapture.Run(["cluster", "--models", models, "--data", Repository.MnistFolder, "--json", "-q", .. extra]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    [Fact]
    public void Writes_the_graph_the_table_and_the_report_with_scores_against_the_labels()
    {
        string models = SeedModels();

        JsonElement report = Cluster(models, "--clusters", "10", "--restarts", "3");

        Assert.All(new[] { "cluster.onnx", "clusters.csv", "cluster.json" }, file => Assert.True(File.Exists(Path.Combine(models, file)), file));
        Assert.Equal(10, report.GetProperty("clusters").GetInt32());
        Assert.Equal(60_000, report.GetProperty("sizes").EnumerateArray().Sum(s => s.GetInt32()));
        // The seed model's 2-D codes separate digits poorly (5-NN 0.31): its clusters sit well above chance
        // (0.1) and well below a good encoder's.
        Assert.InRange(report.GetProperty("all").GetProperty("accuracy").GetDouble(), 0.2, 0.6);
        Assert.Equal(70_000, report.GetProperty("all").GetProperty("rows").GetInt32());
        Assert.Equal(70_001, File.ReadLines(Path.Combine(models, "clusters.csv")).Count());
    }

    [Fact]
    public void The_exported_graph_assigns_the_test_rows_as_the_table_says_but_for_near_ties()
    {
        string models = SeedModels();
        Cluster(models, "--clusters", "10", "--restarts", "3");
        int[] table = [.. File.ReadLines(Path.Combine(models, "clusters.csv")).Skip(1).Where(line => line.StartsWith("test,"))
            .Select(line => int.Parse(line.Split(',')[2], CultureInfo.InvariantCulture))];

        using var clusters = ClusterModel.Load(Path.Combine(models, "cluster.onnx"));
        float[] probabilities = clusters.ProbabilitiesBatch(Mnist.DataSet.Test.Rows);
        int[] assigned = clusters.AssignBatch(Mnist.DataSet.Test.Rows);

        // The table's clusters come from float64 arithmetic, the graph's from float32: they may differ only
        // where the two most probable clusters are within the export's parity bound (1e-4) of each other.
        for (int r = 0; r < table.Length; r++)
        {
            float[] p = [.. probabilities.AsSpan(r * 10, 10).ToArray().OrderDescending()];
            if (p[0] - p[1] > 1e-4) Assert.Equal(table[r], assigned[r]);
        }
    }

    [Fact]
    public void The_same_seed_writes_the_same_files()
    {
        string first = SeedModels(), second = folder.File("again");
        Cluster(first, "--clusters", "5", "--restarts", "2", "--out", second);
        Cluster(first, "--clusters", "5", "--restarts", "2");

        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "cluster.onnx")), File.ReadAllBytes(Path.Combine(second, "cluster.onnx")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "clusters.csv")), File.ReadAllBytes(Path.Combine(second, "clusters.csv")));
    }

    [Fact]
    public void Auto_picks_the_k_of_least_bic_and_says_so()
    {
        string models = SeedModels();

        JsonElement report = Cluster(models, "--clusters", "auto", "--max-clusters", "4", "--restarts", "1");

        JsonElement[] candidates = [.. report.GetProperty("candidates").EnumerateArray()];
        Assert.Equal([2, 3, 4], candidates.Select(c => c.GetProperty("clusters").GetInt32()));
        Assert.Equal("bic", report.GetProperty("chosen_by").GetString());
        Assert.Equal(candidates.MinBy(c => c.GetProperty("bic").GetDouble()).GetProperty("clusters").GetInt32(), report.GetProperty("clusters").GetInt32());
    }

    [Theory]
    [InlineData("1", "--clusters: expected 2 to 60000 (the training rows), found 1")]
    [InlineData("abc", "--clusters must be a whole number or auto, found 'abc'")]
    public void A_k_out_of_range_or_not_a_number_is_one_line_and_exit_code_1(string k, string message)
    {
        string models = SeedModels();

        (int code, _, string error) = ConsoleCapture.Run("cluster", "--models", models, "--data", Repository.MnistFolder, "--clusters", k);

        Assert.Equal(1, code);
        Assert.Equal($"error: {message}", error.Trim());
        Assert.False(File.Exists(Path.Combine(models, "cluster.onnx")));
    }

    [Fact]
    public void Auto_with_k_means_is_refused_naming_the_method_it_needs()
    {
        (int code, _, string error) = ConsoleCapture.Run("cluster", "--models", SeedModels(), "--data", Repository.MnistFolder, "--clusters", "auto", "--method", "kmeans");

        Assert.Equal(1, code);
        Assert.Contains("expected --method gmm", error);
    }

    [Fact]
    public void Unlabelled_data_are_clustered_and_the_scores_skipped_with_one_note()
    {
        string csv = folder.File("unlabelled.csv");
        var random = new Random(3);
        File.WriteAllLines(csv, ["a,b,c", .. Enumerable.Range(0, 300).Select(i =>
            string.Join(',', new[] { 5.0 * (i % 3), -3.0 * (i % 3), 1.0 }.Select(v => (v + random.NextDouble()).ToString("R", CultureInfo.InvariantCulture))))]);
        string models = folder.File("table");
        (int code, _, string error) = ConsoleCapture.Run("train", "--data", csv, "--hidden", "8", "--latent", "2", "--epochs", "2", "--out", models, "-q");
        Assert.True(code == 0, error);

        (code, string output, error) = ConsoleCapture.Run("cluster", "--models", models, "--clusters", "3", "--json");

        Assert.True(code == 0, error);
        JsonElement report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(JsonValueKind.Null, report.GetProperty("all").ValueKind);
        Assert.Single(error.Split('\n'), line => line.Contains("no labels"));
        Assert.Equal("split,row,cluster,probability", File.ReadLines(Path.Combine(models, "clusters.csv")).First());
    }
}
