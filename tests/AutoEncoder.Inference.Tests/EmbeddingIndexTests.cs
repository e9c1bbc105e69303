using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The exact index: brute force in doubles as the reference, ordering, persistence and bad input.</summary>
public sealed class EmbeddingIndexTests
{
    // Float distances of order-1 codes against the same in double: relative rounding near 1e-7 per term.
    private const double Rtol = 1e-5;

    private static float[] RandomCodes(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }

    // Ids out of insertion order, so that ordering by id is not ordering by position.
    private static long[] Ids(int count) => [.. Enumerable.Range(0, count).Select(i => (long)(count - i) * 7)];

    private static (long Id, double Distance)[] BruteForce(float[] codes, long[] ids, int dimensions, float[] query, int k, DistanceMetric metric)
    {
        double Distance(int item)
        {
            double sum = 0, dot = 0, a = 0, b = 0;
            for (int d = 0; d < dimensions; d++)
            {
                double x = codes[item * dimensions + d], q = query[d];
                sum += (x - q) * (x - q);
                dot += x * q;
                a += x * x;
                b += q * q;
            }
            return metric == DistanceMetric.Euclidean ? Math.Sqrt(sum) : 1 - dot / Math.Sqrt(a * b);
        }

        return [.. Enumerable.Range(0, ids.Length).Select(i => (ids[i], Distance(i))).OrderBy(p => p.Item2).ThenBy(p => p.Item1).Take(k)];
    }

    [Theory]
    [InlineData(DistanceMetric.Euclidean, 2, 1000)]
    [InlineData(DistanceMetric.Euclidean, 16, 3000)]
    [InlineData(DistanceMetric.Cosine, 16, 3000)]
    [InlineData(DistanceMetric.Euclidean, 16, 40_000)] // 640,000 values: split across cores
    [InlineData(DistanceMetric.Cosine, 7, 80_000)] // 560,000 values: split, and a width that fills no vector
    public void Search_finds_what_brute_force_in_doubles_finds(DistanceMetric metric, int dimensions, int count)
    {
        float[] codes = RandomCodes(count, dimensions, seed: dimensions);
        long[] ids = Ids(count);
        var index = EmbeddingIndex.Create(dimensions, metric);
        index.AddRange(ids, codes);
        float[] queries = RandomCodes(20, dimensions, seed: 99);

        for (int q = 0; q < 20; q++)
        {
            float[] query = queries[(q * dimensions)..((q + 1) * dimensions)];
            Neighbor[] found = index.Search(query, 10);
            (long Id, double Distance)[] expected = BruteForce(codes, ids, dimensions, query, 10, metric);

            Assert.Equal(expected.Select(e => e.Id), found.Select(n => n.Id));
            for (int i = 0; i < 10; i++) Assert.Equal(expected[i].Distance, found[i].Distance, Math.Max(1e-6, expected[i].Distance * Rtol));
        }
    }

    [Fact]
    public void Equal_distances_are_ordered_by_id()
    {
        var index = EmbeddingIndex.Create(2);
        index.AddRange([30, 10, 20, 5], [1, 0, 1, 0, 1, 0, 3, 3]);

        Neighbor[] found = index.Search([0f, 0f], 3);

        Assert.Equal([10L, 20L, 30L], found.Select(n => n.Id));
        Assert.All(found, n => Assert.Equal(1f, n.Distance));
    }

    [Fact]
    public void A_batch_finds_what_single_searches_find()
    {
        float[] codes = RandomCodes(5000, 8, seed: 1);
        var index = EmbeddingIndex.Create(8);
        index.AddRange(Ids(5000), codes);
        float[] queries = RandomCodes(50, 8, seed: 2);

        Neighbor[][] batch = index.SearchBatch(queries, 5);

        for (int q = 0; q < 50; q++) Assert.Equal(index.Search(queries.AsSpan(q * 8, 8), 5), batch[q]);
    }

    [Fact]
    public void Fewer_items_than_k_return_them_all()
    {
        var index = EmbeddingIndex.Create(2);
        index.AddRange([1, 2], [0, 0, 1, 1]);

        Assert.Equal(2, index.Search([0f, 0f], 10).Length);
        Assert.Empty(EmbeddingIndex.Create(2).Search([0f, 0f], 10));
    }

    [Fact]
    public void A_row_is_searched_by_its_code()
    {
        using Encoder encoder = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(encoder);
        index.AddRows(Ids(200), TestImages.Bytes(200));
        float[] row = TestImages.Pixels(201)[(200 * 784)..];

        Assert.Equal(index.Search(encoder.Encode(row), 5), index.SearchRow(row, 5));
    }

    [Fact]
    public void Rows_searched_in_a_batch_find_what_each_row_finds_alone()
    {
        using Encoder encoder = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(encoder);
        index.AddRows(Ids(200), TestImages.Bytes(200));
        byte[] queries = TestImages.Bytes(230)[(200 * 784)..];

        Neighbor[][] batch = index.SearchRows(queries, 5);

        Assert.Equal(Enumerable.Range(0, 30).Select(q => index.SearchRow(queries.AsSpan(q * 784, 784), 5)), batch);
        Assert.Equal(batch, index.SearchRows([.. queries.Select(b => b / 255f)], 5));
    }

    [Fact]
    public void The_span_search_of_a_row_allocates_nothing()
    {
        using Encoder encoder = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(encoder);
        index.AddRange(Ids(60_000), RandomCodes(60_000, 2, seed: 3));
        float[] row = TestImages.Pixels(1);
        var results = new Neighbor[10];
        index.SearchRow(row, results); // compiled and warmed before counting

        Assert.Equal(0, Allocations.Fewest(() => index.SearchRow(row, results)));
    }

    [Fact]
    public void A_saved_index_loads_with_the_same_items_and_results()
    {
        using var folder = new TempFolder();
        using Encoder encoder = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(encoder, DistanceMetric.Cosine);
        index.AddRows(Ids(300), TestImages.Bytes(300));
        string path = folder.File("digits.index");

        index.Save(path);
        EmbeddingIndex loaded = EmbeddingIndex.Load(path, encoder);

        Assert.Equal((300, 2, DistanceMetric.Cosine, encoder.Metadata.Sha256), (loaded.Count, loaded.Dimensions, loaded.Metric, loaded.EncoderSha256));
        float[] query = encoder.Encode(TestImages.Pixels(1));
        Assert.Equal(index.Search(query, 20), loaded.Search(query, 20));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Fact]
    public void A_file_of_format_1_still_loads()
    {
        var index = EmbeddingIndex.Create(3);
        index.AddRange(Ids(50), RandomCodes(50, 3, seed: 8));
        var bytes = new MemoryStream();
        index.Save(bytes);
        // Format 1 is format 2 without its last sections: 0 partitions, 0 probes and 0 keys (12 bytes).
        byte[] version1 = [.. bytes.ToArray()[..^(32 + 12)], .. new byte[32]];
        BitConverter.GetBytes(1).CopyTo(version1, 8);
        System.Security.Cryptography.SHA256.HashData(version1.AsSpan(0, version1.Length - 32)).CopyTo(version1, version1.Length - 32);

        EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(version1));

        Assert.Equal(index.Search([0.5f, 0.5f, 0.5f], 10), loaded.Search([0.5f, 0.5f, 0.5f], 10));
        Assert.Equal(0, loaded.Partitions);
    }

    [Fact]
    public void An_index_is_refused_beside_another_encoder()
    {
        using var folder = new TempFolder();
        using Encoder seed = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(seed);
        index.AddRows([1], TestImages.Bytes(1));
        string path = folder.File("seed.index");
        index.Save(path);
        byte[] other = TestModels.Committed("encoder.onnx");
        other[^1] ^= 1; // another model: the same graph with one byte of its metadata changed
        using Encoder changed = Encoder.Load(other);

        var error = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(path, changed));

        Assert.Equal($"{path}: built with the encoder of SHA-256 {seed.Metadata.Sha256}, found an encoder of SHA-256 {changed.Metadata.Sha256}: rebuild the index with this encoder", error.Message);
    }

    [Fact]
    public void A_count_beyond_the_stream_is_refused_before_it_is_allocated()
    {
        var index = EmbeddingIndex.Create(16);
        index.AddRange([1, 2], RandomCodes(2, 16, seed: 4));
        var bytes = new MemoryStream();
        index.Save(bytes);
        byte[] forged = bytes.ToArray();
        BitConverter.GetBytes(1L << 40).CopyTo(forged, 20); // the item count
        long before = GC.GetAllocatedBytesForCurrentThread();

        // A stream that cannot say its length: the reader must find out by reading.
        var error = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(new UnseekableStream(forged)));

        Assert.StartsWith("stream: expected 0 to", error.Message);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 << 20);
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_what_is_missing()
    {
        var index = EmbeddingIndex.Create(2);
        index.AddRange([1, 2, 3], [0, 0, 1, 1, 2, 2]);
        var bytes = new MemoryStream();
        index.Save(bytes);

        var error = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(new UnseekableStream(bytes.ToArray()[..^10])));

        Assert.Equal("stream: expected 32 more bytes for the checksum, found 22: truncated?", error.Message);
    }

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_files_load_or_are_refused_as_invalid()
    {
        var index = EmbeddingIndex.Create(3, DistanceMetric.Cosine);
        index.AddRange(Ids(40), RandomCodes(40, 3, seed: 5));
        var bytes = new MemoryStream();
        index.Save(bytes);

        int accepted = Mutations.Run(bytes.ToArray(), 10_000, seed: 7, mutant =>
        {
            EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(mutant));
            loaded.Search([1f, 0f, 0f], 5);
        }, typeof(InvalidDataException));

        // The checksum catches every edit past the header's checks; only edits that change nothing load.
        Assert.InRange(accepted, 0, 100);
    }

    [Theory]
    [InlineData(new float[] { 1 }, "expected a code of 2 values, found 1")]
    [InlineData(new float[] { 1, float.NaN }, "expected finite values, found NaN at index 1")]
    public void A_bad_query_is_refused(float[] query, string message)
    {
        var index = EmbeddingIndex.Create(2);
        index.Add(1, [0, 0]);

        var error = Assert.Throws<ArgumentException>(() => index.Search(query, 1));

        Assert.StartsWith(message, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(EmbeddingIndex.MaxK + 1)]
    public void A_k_out_of_range_is_refused(int k)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EmbeddingIndex.Create(2).Search([0f, 0f], k));

        Assert.StartsWith($"expected k from 1 to {EmbeddingIndex.MaxK}, found {k}", error.Message);
    }

    [Fact]
    public void A_stored_id_is_refused_again_and_nothing_of_the_batch_is_stored()
    {
        var index = EmbeddingIndex.Create(2);
        index.Add(5, [0, 0]);

        var error = Assert.Throws<ArgumentException>(() => index.AddRange([6, 5], [1, 1, 2, 2]));

        Assert.StartsWith("expected ids not yet stored, found 5, which is stored already", error.Message);
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void An_id_repeated_within_a_batch_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => EmbeddingIndex.Create(2).AddRange([6, 6], [1, 1, 2, 2]));

        Assert.StartsWith("expected ids not yet stored, found 6 twice in the batch", error.Message);
    }

    [Fact]
    public void A_zero_code_is_refused_under_the_cosine_metric()
    {
        var error = Assert.Throws<ArgumentException>(() => EmbeddingIndex.Create(2, DistanceMetric.Cosine).Add(1, [0, 0]));

        Assert.StartsWith("code 0: expected a code of non-zero length for the cosine metric, found all zeros", error.Message);
    }

    [Fact]
    public void Rows_need_an_encoder()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingIndex.Create(2).SearchRow(new float[784], 1));

        Assert.StartsWith("this index is not bound to an encoder", error.Message);
    }

    /// <summary>A read-only stream that hides its length, as a network stream does.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
