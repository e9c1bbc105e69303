using System.Numerics;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Exact k-nearest-neighbour classification by squared Euclidean distance, brute force over every
/// reference point (vectorised, one query per task). Neighbours are ordered by (distance, reference
/// index), so equal distances favour the earlier reference. The predicted class has the most votes among
/// the k; a tie in votes goes to the tied class whose member is nearest.
/// </summary>
internal sealed class NearestNeighbors
{
    private readonly float[][] columns; // one array per dimension (structure of arrays, for SIMD)
    private readonly int[] labels;

    /// <summary>Indexes <paramref name="labels"/>.Length reference points of <paramref name="dimensions"/> values each, row-major.</summary>
    public NearestNeighbors(ReadOnlySpan<float> points, int[] labels, int dimensions)
    {
        if (points.Length != labels.Length * dimensions)
            throw new ArgumentException($"expected {labels.Length} points of {dimensions} values, found {points.Length} values");
        this.labels = labels;
        columns = new float[dimensions][];
        for (int d = 0; d < dimensions; d++)
        {
            columns[d] = new float[labels.Length];
            for (int i = 0; i < labels.Length; i++) columns[d][i] = points[i * dimensions + d];
        }
    }

    /// <summary>Predicts a class for each query (row-major, same dimensions as the references).</summary>
    public int[] Classify(float[] queries, int k)
    {
        int dimensions = columns.Length;
        if (k < 1 || k > labels.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"expected 1 to {labels.Length} neighbours");
        var predictions = new int[queries.Length / dimensions];
        Parallel.For(0, predictions.Length, q =>
            predictions[q] = Vote(Nearest(queries.AsSpan(q * dimensions, dimensions), k), k));
        return predictions;
    }

    /// <summary>Fraction of queries whose predicted class equals <paramref name="truth"/>.</summary>
    public double Accuracy(float[] queries, int[] truth, int k)
    {
        int[] predicted = Classify(queries, k);
        return predicted.Zip(truth).Count(pair => pair.First == pair.Second) / (double)truth.Length;
    }

    /// <summary>Indices of the k nearest references, nearest first.</summary>
    internal int[] Nearest(ReadOnlySpan<float> query, int k)
    {
        var bestDistance = new float[k];
        var bestIndex = new int[k];
        Array.Fill(bestDistance, float.PositiveInfinity);
        Array.Fill(bestIndex, int.MaxValue);

        int count = labels.Length, width = Vector<float>.Count, i = 0;
        Span<float> block = stackalloc float[width];
        for (; i + width <= count; i += width)
        {
            var distance = Vector<float>.Zero;
            for (int d = 0; d < columns.Length; d++)
            {
                var difference = new Vector<float>(columns[d], i) - new Vector<float>(query[d]);
                distance += difference * difference;
            }
            // Most blocks hold nothing nearer than the current k-th neighbour: skip them in one compare.
            if (!Vector.LessThanAny(distance, new Vector<float>(bestDistance[k - 1]))) continue;
            distance.CopyTo(block);
            for (int lane = 0; lane < width; lane++) Insert(block[lane], i + lane, bestDistance, bestIndex);
        }
        for (; i < count; i++)
        {
            float distance = 0;
            for (int d = 0; d < columns.Length; d++) distance += (columns[d][i] - query[d]) * (columns[d][i] - query[d]);
            Insert(distance, i, bestDistance, bestIndex);
        }
        return bestIndex;
    }

    private static void Insert(float distance, int index, float[] bestDistance, int[] bestIndex)
    {
        int k = bestDistance.Length;
        if (!(distance < bestDistance[k - 1])) return; // equal distance: the earlier index stays
        int slot = k - 1;
        while (slot > 0 && distance < bestDistance[slot - 1])
        {
            bestDistance[slot] = bestDistance[slot - 1];
            bestIndex[slot] = bestIndex[slot - 1];
            slot--;
        }
        bestDistance[slot] = distance;
        bestIndex[slot] = index;
    }

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
