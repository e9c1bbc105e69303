using AutoEncoder.Inference;
using AutoEncoder.Training.Storage;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Storage;

/// <summary>Codes in a real PostgreSQL (a throw-away cluster): the same neighbours as the in-process exact index, through the GiST index.</summary>
public sealed class PostgresIndexTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    // PostgreSQL measures in doubles, the in-process index in floats: relative rounding near 1e-7 per term.
    private const double Rtol = 1e-5;

    private static float[] RandomCodes(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }

    private static long[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => (long)(count - i) * 7)];

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void A_search_finds_what_the_in_process_exact_index_finds(DistanceMetric metric)
    {
        float[] codes = RandomCodes(3000, 8, seed: 1);
        int[] labels = [.. Enumerable.Range(0, 3000).Select(i => i % 10)];
        var description = new PostgresIndex.Description(metric, 8, null);
        PostgresIndex.Write(cluster.ConnectionString, "codes_" + metric.ToString().ToLowerInvariant(), description, Ids(3000), null, labels, codes);
        var index = EmbeddingIndex.Create(8, metric);
        index.AddRange(Ids(3000), codes);
        float[] queries = RandomCodes(20, 8, seed: 2);

        for (int q = 0; q < 20; q++)
        {
            float[] query = queries[(q * 8)..((q + 1) * 8)];
            Neighbor[] expected = index.Search(query, 10);
            PostgresIndex.Found[] found = PostgresIndex.Search(cluster.ConnectionString, "codes_" + metric.ToString().ToLowerInvariant(), description, query, 10);

            Assert.Equal(expected.Select(n => n.Id), found.Select(f => f.Id));
            for (int i = 0; i < 10; i++) Assert.Equal(expected[i].Distance, found[i].Distance, Math.Max(1e-6, expected[i].Distance * Rtol));
            Assert.Equal(found.Select(f => (int?)(int)((3000 - f.Id / 7) % 10)), found.Select(f => f.Label));
        }
    }

    [Fact]
    public void Rows_tied_with_the_kth_are_ordered_by_id_as_in_process()
    {
        // Twelve points at distance 1 from the origin (the axes, both ways, in six dimensions) and one farther.
        var codes = new List<float>();
        for (int axis = 0; axis < 6; axis++)
            foreach (float sign in new[] { 1f, -1f })
                codes.AddRange(Enumerable.Range(0, 6).Select(d => d == axis ? sign : 0f));
        codes.AddRange([2, 2, 2, 2, 2, 2]);
        long[] ids = [50, 3, 41, 7, 22, 9, 30, 1, 16, 60, 12, 5, 0];
        var description = new PostgresIndex.Description(DistanceMetric.Euclidean, 6, null);
        PostgresIndex.Write(cluster.ConnectionString, "ties", description, ids, null, null, [.. codes]);

        PostgresIndex.Found[] found = PostgresIndex.Search(cluster.ConnectionString, "ties", description, new float[6], 4);

        Assert.Equal([1L, 3, 5, 7], found.Select(f => f.Id));
        Assert.All(found, f => Assert.Equal(1.0, f.Distance));
    }

    [Fact]
    public void Keys_come_back_as_written_even_with_tabs_backslashes_and_line_breaks()
    {
        // COPY's text format gives \\, \t, \n and \r meanings of their own: each must arrive as the character it was.
        string[] keys = ["plain", "tab\there", "back\\slash\\N", "two\r\nlines", "ünïcødé 7"];
        var description = new PostgresIndex.Description(DistanceMetric.Euclidean, 1, null);
        PostgresIndex.Write(cluster.ConnectionString, "keyed", description, [0, 1, 2, 3, 4], keys, null, [0, 1, 2, 3, 4]);

        PostgresIndex.Found[] found = PostgresIndex.Search(cluster.ConnectionString, "keyed", description, [0], 5);

        Assert.Equal(keys, found.Select(f => f.Key));
        Assert.All(found, f => Assert.Null(f.Label));
    }

    [Fact]
    public void A_search_is_an_index_scan_of_the_gist_index()
    {
        var description = new PostgresIndex.Description(DistanceMetric.Euclidean, 4, null);
        PostgresIndex.Write(cluster.ConnectionString, "planned", description, Ids(20_000), null, null, RandomCodes(20_000, 4, seed: 3));

        string plan = PostgresIndex.Explain(cluster.ConnectionString, "planned", 4, 10);

        Assert.Contains("Index Scan using planned_code_idx on planned", plan, StringComparison.Ordinal);
        Assert.Contains("Order By: (code <-> ", plan, StringComparison.Ordinal);
    }

    [Fact]
    public void The_description_written_is_read_back()
    {
        var description = new PostgresIndex.Description(DistanceMetric.Cosine, 2, new string('a', 64));
        PostgresIndex.Write(cluster.ConnectionString, "described", description, [1], null, null, [1, 0]);

        Assert.Equal(description, PostgresIndex.Describe(cluster.ConnectionString, "described"));
    }

    [Fact]
    public void Codes_of_more_than_100_values_are_refused_before_connecting()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            PostgresIndex.Write("Host=/nonexistent", "wide", new PostgresIndex.Description(DistanceMetric.Euclidean, 101, null), [1], null, null, new float[101]));

        Assert.Equal("--postgres: expected codes of 1 to 100 values (the most a cube holds), found 101", error.Message);
    }

    [Fact]
    public void An_unreachable_server_is_one_line_naming_it()
    {
        var error = Assert.Throws<IOException>(() => PostgresIndex.Describe("Host=/nonexistent;Username=postgres;Timeout=2", "codes"));

        Assert.StartsWith("PostgreSQL at /nonexistent: ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_table_name_that_is_not_a_plain_identifier_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PostgresIndex.Describe(cluster.ConnectionString, "codes; DROP TABLE x"));

        Assert.Equal("--table: expected a plain lower-case identifier (letters, digits, _), found \"codes; DROP TABLE x\"", error.Message);
    }
}
