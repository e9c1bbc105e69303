using System.Diagnostics;
using AutoEncoder.Inference;

namespace AutoEncoder.Training.Bench;

/// <summary>
/// Times <see cref="EmbeddingIndex"/> on the data of the faiss anchors in issue #28: codes drawn from a seeded
/// mixture of 100 Gaussians, queries from the same mixture, k nearest by Euclidean distance.
/// </summary>
internal static class IndexBenchmark
{
    /// <summary>The stored codes and the queries, each laid end to end.</summary>
    public sealed record Data(float[] Codes, float[] Queries, int Dimensions)
    {
        /// <summary>Stored codes.</summary>
        public int Count => Codes.Length / Dimensions;

        /// <summary>Queries.</summary>
        public int QueryCount => Queries.Length / Dimensions;
    }

    /// <summary>One way of searching, timed: batched queries per second, one query's time, recall against exact.</summary>
    public sealed record Search(string Name, double BuildSeconds, double BatchedQueriesPerSecond, double SingleQuerySeconds, double Recall);

    /// <summary>
    /// <paramref name="count"/> codes and <paramref name="queries"/> queries of <paramref name="dimensions"/>
    /// values: centres of spread 5 per dimension, points of spread 1 about a centre picked at random.
    /// </summary>
    public static Data Generate(int count, int queries, int dimensions, int seed)
    {
        var random = new Random(seed);
        float[] centres = [.. Enumerable.Range(0, 100 * dimensions).Select(_ => 5 * Normal(random))];
        float[] Draw(int n)
        {
            var values = new float[n * dimensions];
            for (int i = 0; i < n; i++)
            {
                int centre = random.Next(100);
                for (int d = 0; d < dimensions; d++) values[i * dimensions + d] = centres[centre * dimensions + d] + Normal(random);
            }
            return values;
        }
        float[] codes = Draw(count);
        return new Data(codes, Draw(queries), dimensions);
    }

    /// <summary>Writes codes then queries as little-endian float32, for the faiss reference.</summary>
    public static void Write(Data data, string path)
    {
        using var stream = File.Create(path);
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.Codes.AsSpan()));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.Queries.AsSpan()));
    }

    /// <summary>The exact index of <paramref name="data"/>, with its build time.</summary>
    public static (EmbeddingIndex Index, double Seconds) Build(Data data)
    {
        var clock = Stopwatch.StartNew();
        var index = EmbeddingIndex.Create(data.Dimensions);
        index.AddRange([.. Enumerable.Range(0, data.Count).Select(i => (long)i)], data.Codes);
        return (index, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Times <paramref name="index"/> as it is (exact or partitioned) against <paramref name="truth"/> (exact results).</summary>
    public static Search Measure(string name, EmbeddingIndex index, Data data, int k, double buildSeconds, Neighbor[][] truth)
    {
        var clock = Stopwatch.StartNew();
        Neighbor[][] batched = index.SearchBatch(data.Queries, k);
        double batchedSeconds = clock.Elapsed.TotalSeconds;

        var results = new Neighbor[k];
        clock.Restart();
        for (int q = 0; q < data.QueryCount; q++) index.Search(data.Queries.AsSpan(q * data.Dimensions, data.Dimensions), results);
        double singleSeconds = clock.Elapsed.TotalSeconds / data.QueryCount;
        return new Search(name, buildSeconds, data.QueryCount / batchedSeconds, singleSeconds, Recall(batched, truth));
    }

    /// <summary>The share of the true k nearest ids found, over all queries.</summary>
    public static double Recall(Neighbor[][] found, Neighbor[][] truth)
    {
        long hits = 0, total = 0;
        for (int q = 0; q < truth.Length; q++)
        {
            var expected = truth[q].Select(n => n.Id).ToHashSet();
            hits += found[q].Count(n => expected.Contains(n.Id));
            total += expected.Count;
        }
        return (double)hits / total;
    }

    private static float Normal(Random random) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
