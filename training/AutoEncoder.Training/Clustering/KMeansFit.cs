using static TorchSharp.torch;

namespace AutoEncoder.Training.Clustering;

/// <summary>
/// k-means: Lloyd's iterations from greedy k-means++ seeds (Arthur &amp; Vassilvitskii 2007, with scikit-learn's
/// 2 + ln K candidates per seed), restarted from other seeds; the restart of least inertia wins. Arithmetic in
/// float64 tensors; the seeds come from a <see cref="Random"/> seeded by (seed, restart), so a seed and a
/// thread count give the same centroids.
/// </summary>
internal static class KMeansFit
{
    /// <summary>Most Lloyd iterations of one restart (scikit-learn's default).</summary>
    public const int MaxIterations = 300;

    /// <summary>Stop when the centroids moved, in sum of squares, less than this share of the codes' mean variance (scikit-learn's tol).</summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>The centroids (K × D), each code's nearest centroid and the inertia (sum of squared distances to it).</summary>
    public sealed record Result(double[] Centroids, int[] Assigned, double Inertia, int Iterations);

    /// <summary>
    /// Fits <paramref name="clusters"/> centroids to <paramref name="codes"/> [rows, D], restarting
    /// <paramref name="restarts"/> times; <paramref name="restartDone"/> hears each restart's inertia.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 clusters, more clusters than codes, or no restart.</exception>
    public static Result Fit(Tensor codes, int clusters, long seed, int restarts, Action<int, Result>? restartDone = null)
    {
        long rows = codes.shape[0];
        if (clusters < 2 || clusters > rows)
            throw new ArgumentOutOfRangeException(nameof(clusters), clusters, $"expected 2 to {rows} clusters (one per code at most), found {clusters}");
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        using var scope = NewDisposeScope();
        Tensor x = codes.to_type(ScalarType.Float64);
        Tensor norms = x.square().sum(1);
        double tolerance = RelativeTolerance * x.var(0L).mean().item<double>();
        Result? best = null;
        for (int restart = 0; restart < restarts; restart++)
        {
            Result fit = Lloyd(x, norms, Seeds(x, norms, clusters, new Random(unchecked((int)(seed * 1_000_003 + restart)))), tolerance);
            if (best is null || fit.Inertia < best.Inertia) best = fit;
            restartDone?.Invoke(restart + 1, fit);
        }
        return best!;
    }

    /// <summary>Squared distances [rows, K] from every code to every centroid.</summary>
    public static Tensor SquaredDistances(Tensor x, Tensor norms, Tensor centroids) =>
        (norms.unsqueeze(1) - 2 * x.matmul(centroids.t()) + centroids.square().sum(1).unsqueeze(0)).clamp_min(0);

    private static Result Lloyd(Tensor x, Tensor norms, Tensor centroids, double tolerance)
    {
        long rows = x.shape[0], k = centroids.shape[0];
        int iteration = 0;
        while (true)
        {
            using var step = NewDisposeScope();
            (Tensor distances, Tensor nearest) = SquaredDistances(x, norms, centroids).min(1);
            if (++iteration > MaxIterations) return Finish(distances, nearest, centroids, iteration - 1);
            Tensor sums = zeros([k, x.shape[1]], ScalarType.Float64).index_add_(0, nearest, x, 1);
            Tensor counts = bincount(nearest, minlength: k).to_type(ScalarType.Float64);
            Tensor moved = sums / counts.clamp_min(1).unsqueeze(1);
            // An emptied cluster restarts at the code farthest from its centroid, as scikit-learn relocates it.
            long[] empty = [.. Enumerable.Range(0, (int)k).Where(c => counts[c].item<double>() == 0).Select(c => (long)c)];
            if (empty.Length > 0)
            {
                Tensor farthest = distances.topk(empty.Length).indexes;
                moved.index_copy_(0, tensor(empty), x.index_select(0, farthest));
            }
            double shift = (moved - centroids).square().sum().item<double>();
            centroids.copy_(moved);
            if (shift <= tolerance)
            {
                (distances, nearest) = SquaredDistances(x, norms, centroids).min(1);
                return Finish(distances, nearest, centroids, iteration);
            }
        }
    }

    private static Result Finish(Tensor distances, Tensor nearest, Tensor centroids, int iterations) =>
        new(centroids.data<double>().ToArray(), [.. nearest.to_type(ScalarType.Int32).data<int>()], distances.sum().item<double>(), iterations);

    /// <summary>Greedy k-means++: each next seed is the best of 2 + ln K candidates drawn in proportion to D².</summary>
    private static Tensor Seeds(Tensor x, Tensor norms, int clusters, Random random)
    {
        long rows = x.shape[0];
        int candidates = 2 + (int)Math.Log(clusters);
        var chosen = new List<long> { random.NextInt64(rows) };
        Tensor closest = SquaredDistances(x, norms, x.index_select(0, tensor(chosen.ToArray()))).squeeze(1);
        while (chosen.Count < clusters)
        {
            double[] weights = closest.data<double>().ToArray();
            double total = weights.Sum();
            long[] drawn = [.. Enumerable.Range(0, candidates).Select(_ => Draw(weights, total * random.NextDouble()))];
            // Each candidate's potential: the sum of squared distances if it joined the seeds.
            Tensor withCandidate = SquaredDistances(x, norms, x.index_select(0, tensor(drawn))).minimum(closest.unsqueeze(1));
            int best = (int)withCandidate.sum(0L).argmin().item<long>();
            chosen.Add(drawn[best]);
            closest = withCandidate.select(1, best).contiguous();
        }
        return x.index_select(0, tensor(chosen.ToArray())).clone();
    }

    private static long Draw(double[] weights, double target)
    {
        double running = 0;
        for (int i = 0; i < weights.Length; i++)
            if ((running += weights[i]) > target) return i;
        return Array.FindLastIndex(weights, w => w > 0) is int last and >= 0 ? last : weights.Length - 1;
    }
}
