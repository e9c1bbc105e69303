using AutoEncoder.Inference;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Exact k-nearest-neighbour classification by Euclidean distance over the library's exact
/// <see cref="EmbeddingIndex"/> (each reference's id is its index). Neighbours are ordered by (distance,
/// reference index), so equal distances favour the earlier reference. The predicted class has the most
/// votes among the k; a tie in votes goes to the tied class whose member is nearest.
/// </summary>
internal sealed class NearestNeighbors
{
    private readonly EmbeddingIndex index;
    private readonly int[] labels;

    /// <summary>Indexes <paramref name="labels"/>.Length reference points of <paramref name="dimensions"/> values each, row-major.</summary>
    public NearestNeighbors(ReadOnlySpan<float> points, int[] labels, int dimensions)
    {
        if (points.Length != labels.Length * dimensions)
            throw new ArgumentException($"expected {labels.Length} points of {dimensions} values, found {points.Length} values");
        this.labels = labels;
        index = EmbeddingIndex.Create(dimensions);
        index.AddRange([.. Enumerable.Range(0, labels.Length).Select(i => (long)i)], points);
    }

    /// <summary>Predicts a class for each query (row-major, same dimensions as the references).</summary>
    public int[] Classify(float[] queries, int k)
    {
        if (k < 1 || k > labels.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"expected 1 to {labels.Length} neighbours");
        return [.. index.SearchBatch(queries, k).Select(neighbors => Vote([.. neighbors.Select(n => (int)n.Id)], k))];
    }

    /// <summary>Fraction of queries whose predicted class equals <paramref name="truth"/>.</summary>
    public double Accuracy(float[] queries, int[] truth, int k)
    {
        int[] predicted = Classify(queries, k);
        return predicted.Zip(truth).Count(pair => pair.First == pair.Second) / (double)truth.Length;
    }

    /// <summary>
    /// Mean share of each query's <paramref name="k"/> nearest references that carry its label in <paramref name="truth"/>
    /// (precision@k of retrieval: how often "find similar" returns items of the same class).
    /// </summary>
    public double Precision(float[] queries, int[] truth, int k)
    {
        Neighbor[][] found = index.SearchBatch(queries, k);
        return found.Select((neighbors, q) => neighbors.Count(n => labels[n.Id] == truth[q]) / (double)k).Average();
    }

    /// <summary>
    /// Recall@k of approximate search: the share of each query's true <paramref name="k"/> nearest references
    /// that the index finds once partitioned with its suggested sizes (seed 0). The index is exact again after.
    /// </summary>
    public double PartitionedRecall(float[] queries, int k)
    {
        Neighbor[][] exact = index.SearchBatch(queries, k);
        index.Partition(seed: 0);
        Neighbor[][] approximate = index.SearchBatch(queries, k);
        index.Probes = index.Partitions;
        return exact.Select((truth, q) => approximate[q].Count(n => truth.Any(t => t.Id == n.Id)) / (double)truth.Length).Average();
    }

    /// <summary>Indices of the k nearest references, nearest first.</summary>
    internal int[] Nearest(ReadOnlySpan<float> query, int k) => [.. index.Search(query, k).Select(n => (int)n.Id)];

    private int Vote(int[] nearest, int k)
    {
        // k is small: count each neighbour's class among the k (labels may be any non-negative integers).
        int most = 0, winner = -1;
        // Neighbours are nearest first, so among classes with the top count the nearest one wins.
        foreach (int index in nearest)
        {
            int votes = nearest.Count(other => labels[other] == labels[index]);
            if (votes > most)
            {
                most = votes;
                winner = labels[index];
            }
        }
        return winner >= 0 ? winner : throw new InvalidOperationException($"no neighbours among {k}");
    }
}
