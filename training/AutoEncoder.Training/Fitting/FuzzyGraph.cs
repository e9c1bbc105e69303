namespace AutoEncoder.Training.Fitting;

/// <summary>
/// UMAP's fuzzy simplicial set of the data (McInnes, Healy &amp; Melville 2018, as umap-learn computes it):
/// per row, ρ = distance to its nearest neighbour and σ found by binary search so that
/// Σⱼ exp(−max(0, dⱼ − ρ)/σ) = log₂(n_neighbors); directed memberships exp(−max(0, d − ρ)/σ); then the
/// fuzzy union w = a + b − a·b of the two directions. Edges are listed in both directions, pair by pair in the
/// order of (smaller row, larger row), so the same neighbours give the same graph.
/// </summary>
internal static class FuzzyGraph
{
    private const int SearchSteps = 64;
    private const double Tolerance = 1e-5;

    // umap-learn's MIN_K_DIST_SCALE: σ is at least this share of the mean neighbour distance.
    private const double MinScale = 1e-3;

    /// <summary>The symmetric graph: edge e runs from Heads[e] to Tails[e] with weight Weights[e] in (0, 1].</summary>
    public sealed record Edges(int[] Heads, int[] Tails, float[] Weights)
    {
        /// <summary>Number of directed edges (each undirected pair twice).</summary>
        public int Count => Heads.Length;
    }

    /// <summary>
    /// ρ and σ of each row from its neighbours' distances (<paramref name="k"/> per row, nearest first, itself
    /// excluded); <paramref name="neighbors"/> is UMAP's n_neighbors, which counts the row itself (k = n_neighbors − 1).
    /// </summary>
    public static (double[] Rho, double[] Sigma) Bandwidths(float[] distances, int count, int k, int neighbors)
    {
        double target = Math.Log2(neighbors);
        var rho = new double[count];
        var sigma = new double[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<float> d = distances.AsSpan(i * k, k);
            double first = 0;
            foreach (float value in d)
                if (value > 0) { first = value; break; }
            rho[i] = first;

            double low = 0, high = double.PositiveInfinity, mid = 1;
            for (int step = 0; step < SearchSteps; step++)
            {
                double sum = 0;
                foreach (float value in d) sum += Math.Exp(-Math.Max(0, value - first) / mid);
                if (Math.Abs(sum - target) < Tolerance) break;
                if (sum > target)
                {
                    high = mid;
                    mid = (low + high) / 2;
                }
                else
                {
                    low = mid;
                    mid = double.IsPositiveInfinity(high) ? mid * 2 : (low + high) / 2;
                }
            }
            // The mean over n_neighbors distances, the row's own zero included, as umap-learn takes it.
            double mean = 0;
            foreach (float value in d) mean += value;
            mean /= neighbors;
            sigma[i] = first > 0 ? Math.Max(mid, MinScale * mean) : mid;
        }
        return (rho, sigma);
    }

    /// <summary>The fuzzy union of the directed memberships of the neighbour lists.</summary>
    public static Edges Build(int[] indices, float[] distances, int count, int k, int neighbors)
    {
        (double[] rho, double[] sigma) = Bandwidths(distances, count, k, neighbors);
        // Keyed by (smaller, larger) row: the memberships in each direction.
        var pairs = new Dictionary<long, (double Forward, double Backward)>(count * k);
        for (int i = 0; i < count; i++)
            for (int n = 0; n < k; n++)
            {
                int j = indices[i * k + n];
                double d = distances[i * k + n];
                double membership = d - rho[i] <= 0 ? 1 : Math.Exp(-(d - rho[i]) / sigma[i]);
                long key = (long)Math.Min(i, j) * count + Math.Max(i, j);
                pairs.TryGetValue(key, out var both);
                pairs[key] = i < j ? (membership, both.Backward) : (both.Forward, membership);
            }

        long[] keys = [.. pairs.Keys.Order()];
        var heads = new List<int>(keys.Length * 2);
        var tails = new List<int>(keys.Length * 2);
        var weights = new List<float>(keys.Length * 2);
        foreach (long key in keys)
        {
            (double a, double b) = pairs[key];
            var weight = (float)(a + b - a * b);
            if (weight <= 0) continue;
            int low = (int)(key / count), high = (int)(key % count);
            heads.Add(low); tails.Add(high); weights.Add(weight);
            heads.Add(high); tails.Add(low); weights.Add(weight);
        }
        return new Edges([.. heads], [.. tails], [.. weights]);
    }
}
