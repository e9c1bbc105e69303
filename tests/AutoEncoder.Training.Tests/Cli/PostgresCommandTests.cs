using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary><c>index --postgres</c> then <c>search --postgres</c> with the committed seed model on MNIST, in a throw-away cluster.</summary>
public sealed class PostgresCommandTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public void A_test_row_finds_in_postgres_what_the_in_process_index_finds()
    {
        (int code, string output, string error) = ConsoleCapture.Run("index", "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder,
            "--postgres", cluster.ConnectionString, "--table", "mnist");
        Assert.True(code == 0, error);
        Assert.Contains("written 60,000/60,000 rows to PostgreSQL", error, StringComparison.Ordinal);

        (code, output, error) = ConsoleCapture.Run("search", "--postgres", cluster.ConnectionString, "--table", "mnist",
            "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder, "--row", "7", "-k", "5", "--json");

        Assert.True(code == 0, error);
        using Encoder encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        var index = EmbeddingIndex.Create(encoder);
        index.AddRange([.. Enumerable.Range(0, 60_000).Select(i => (long)i)], encoder.EncodeBatch(Mnist.DataSet.Train.Rows));
        Neighbor[] expected = index.SearchRow(Mnist.TestPixels(8).AsSpan(7 * 784, 784), 5);
        using JsonDocument answer = JsonDocument.Parse(output);
        JsonElement[] neighbors = [.. answer.RootElement.GetProperty("queries")[0].GetProperty("neighbors").EnumerateArray()];
        Assert.Equal(expected.Select(n => n.Id), neighbors.Select(n => n.GetProperty("id").GetInt64()));
        // float distances in process, double in PostgreSQL: relative rounding near 1e-7 per term.
        for (int i = 0; i < 5; i++) Assert.Equal(expected[i].Distance, neighbors[i].GetProperty("distance").GetSingle(), Math.Max(1e-6, expected[i].Distance * 1e-5));
        Assert.All(neighbors, n => Assert.InRange(n.GetProperty("label").GetInt32(), 0, 9));
    }

    [Fact]
    public void A_table_built_with_another_encoder_is_refused()
    {
        AutoEncoder.Training.Storage.PostgresIndex.Write(cluster.ConnectionString, "other",
            new(DistanceMetric.Euclidean, 2, new string('0', 64)), [1], null, null, [0, 0]);

        (int code, _, string error) = ConsoleCapture.Run("search", "--postgres", cluster.ConnectionString, "--table", "other",
            "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder, "--row", "0");

        Assert.Equal(1, code);
        Assert.StartsWith($"error: PostgreSQL table other: built with the encoder of SHA-256 {new string('0', 64)}, found an encoder of SHA-256 ", error.Trim());
    }
}
