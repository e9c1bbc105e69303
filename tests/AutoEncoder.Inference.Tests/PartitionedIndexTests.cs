using System.Security.Cryptography;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>Approximate search over partitions: recall against exact search, determinism, persistence and bad input.</summary>
public sealed class PartitionedIndexTests
{
    private const int Dimensions = 16;

    // Codes as learned codes come: clusters (50 centres of spread 5, points of spread 1 about them).
    private static float[] MixtureCodes(int count, int seed)
    {
        var random = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        float[] centres = [.. Enumerable.Range(0, 50 * Dimensions).Select(_ => 5 * Normal())];
        var codes = new float[count * Dimensions];
        for (int i = 0; i < count; i++)
        {
            int centre = (int)(random.NextDouble() * 50);
            for (int d = 0; d < Dimensions; d++) codes[i * Dimensions + d] = centres[centre * Dimensions + d] + Normal();
        }
        return codes;
    }

    private static long[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => (long)i * 3 + 1)];

    private static EmbeddingIndex Indexed(int count, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        var index = EmbeddingIndex.Create(Dimensions, metric);
        index.AddRange(Ids(count), MixtureCodes(count, seed: 1));
        return index;
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean)]
    [InlineData(DistanceMetric.Cosine)]
    public void The_suggested_sizes_find_99_percent_of_the_true_neighbours(DistanceMetric metric)
    {
        EmbeddingIndex index = Indexed(20_000, metric);
        float[] queries = MixtureCodes(200, seed: 2);
        Neighbor[][] exact = index.SearchBatch(queries, 10);

        index.Partition(seed: 0);
        Neighbor[][] approximate = index.SearchBatch(queries, 10);

        // 0.99 is the figure issue #28 asks of approximate search; half the probes gave 0.955 here.
        Assert.Equal((566, 24), (index.Partitions, index.Probes));
        double recall = exact.Zip(approximate, (e, a) => a.Select(n => n.Id).Intersect(e.Select(n => n.Id)).Count()).Sum() / 2000.0;
        Assert.InRange(recall, 0.99, 1.0);
    }

    [Fact]
    public void Probing_every_partition_is_exact_search()
    {
        EmbeddingIndex index = Indexed(5_000);
        float[] queries = MixtureCodes(50, seed: 3);
        Neighbor[][] exact = index.SearchBatch(queries, 10);

        index.Partition(partitions: 100, probes: 1, seed: 0);
        Neighbor[][] oneProbe = index.SearchBatch(queries, 10);
        index.Probes = 100;

        Assert.Equal(exact, index.SearchBatch(queries, 10));
        Assert.NotEqual(exact, oneProbe); // one probe of a hundred misses some: the partitions are in use
    }

    [Fact]
    public void A_seed_gives_the_same_partitions_and_another_seed_others()
    {
        EmbeddingIndex first = Indexed(5_000), second = Indexed(5_000), third = Indexed(5_000);

        first.Partition(200, 8, seed: 4);
        second.Partition(200, 8, seed: 4);
        third.Partition(200, 8, seed: 5);

        Assert.Equal(SavedIndex.Bytes(first), SavedIndex.Bytes(second));
        Assert.NotEqual(SavedIndex.Bytes(first), SavedIndex.Bytes(third));
    }

    [Fact]
    public void A_saved_partitioned_index_loads_with_its_partitions_probes_and_results()
    {
        EmbeddingIndex index = Indexed(5_000, DistanceMetric.Cosine);
        index.Partition(200, 6, seed: 0);
        float[] queries = MixtureCodes(50, seed: 6);

        EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(SavedIndex.Bytes(index)));

        Assert.Equal((200, 6), (loaded.Partitions, loaded.Probes));
        Assert.Equal(index.SearchBatch(queries, 10), loaded.SearchBatch(queries, 10));
        Assert.Equal(SavedIndex.Bytes(index), SavedIndex.Bytes(loaded));
    }

    [Fact]
    public void A_code_added_after_partitioning_is_filed_and_found()
    {
        EmbeddingIndex index = Indexed(5_000);
        index.Partition(200, 1, seed: 0);
        float[] query = MixtureCodes(1, seed: 7);

        index.Add(-1, query);

        Assert.Equal(new Neighbor(-1, 0), index.Search(query, 1)[0]);
    }

    [Fact]
    public void An_index_reports_no_partitions_until_partitioned()
    {
        EmbeddingIndex index = Indexed(100);

        var error = Assert.Throws<InvalidOperationException>(() => index.Probes = 1);

        Assert.Equal((0, 0), (index.Partitions, index.Probes));
        Assert.Equal("this index is not partitioned: call Partition first", error.Message);
    }

    [Theory]
    [InlineData(0, 1, "partitions", "expected 1 to 100 partitions (the items stored), found 0")]
    [InlineData(101, 1, "partitions", "expected 1 to 100 partitions (the items stored), found 101")]
    [InlineData(10, 0, "probes", "expected 1 to 10 probes (the partitions), found 0")]
    [InlineData(10, 11, "probes", "expected 1 to 10 probes (the partitions), found 11")]
    public void Partitions_and_probes_out_of_range_are_refused(int partitions, int probes, string parameter, string message)
    {
        EmbeddingIndex index = Indexed(100);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => index.Partition(partitions, probes, seed: 0));

        Assert.Equal(parameter, error.ParamName);
        Assert.StartsWith(message, error.Message);
        Assert.Equal(0, index.Partitions);
    }

    [Fact]
    public void A_partition_number_beyond_the_partitions_is_refused_naming_the_item()
    {
        EmbeddingIndex index = Indexed(100);
        index.Partition(10, 2, seed: 0);
        byte[] forged = SavedIndex.Bytes(index);
        BitConverter.GetBytes(10).CopyTo(forged, forged.Length - 32 - 4 - 4); // the last item's partition, before the key count
        SHA256.HashData(forged.AsSpan(0, forged.Length - 32)).CopyTo(forged, forged.Length - 32);

        var error = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(new MemoryStream(forged)));

        Assert.Equal("stream: item 99: expected a partition from 0 to 9, found 10", error.Message);
    }

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_partitioned_files_load_or_are_refused_as_invalid()
    {
        EmbeddingIndex index = Indexed(60);
        index.Partition(6, 2, seed: 0);

        int accepted = Mutations.Run(SavedIndex.Bytes(index), 10_000, seed: 8, mutant =>
        {
            EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(mutant));
            loaded.Search(new float[Dimensions], 5);
        }, typeof(InvalidDataException));

        // The checksum catches every edit past the header's checks; only edits that change nothing load.
        Assert.InRange(accepted, 0, 100);
    }
}
