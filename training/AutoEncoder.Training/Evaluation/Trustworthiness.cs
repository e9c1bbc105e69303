using static TorchSharp.torch;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Trustworthiness of an embedding (Venna &amp; Kaski 2001, as scikit-learn's <c>trustworthiness</c> computes
/// it): how far, in the original space, the k nearest neighbours in the embedding lie.
/// T(k) = 1 − 2 / (n·k·(2n − 3k − 1)) · Σᵢ Σ_{j ∈ embedded kNN(i)} max(0, r(i, j) − k), where r(i, j) is j's
/// rank among i's neighbours in the original space (nearest = 1). 1 when every embedded neighbour is also
/// an original one.
/// </summary>
internal static class Trustworthiness
{
    /// <summary>The fewest rows T(<paramref name="k"/>) is defined for: 3k + 2, below which the formula's normaliser is not positive.</summary>
    public static int MinimumRows(int k) => 3 * k + 2;

    /// <summary>
    /// T(<paramref name="k"/>) of <paramref name="embedded"/> (rows × <paramref name="embeddedWidth"/>) for
    /// <paramref name="original"/> (rows × <paramref name="originalWidth"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer rows than 3k + 2, where the formula's normaliser is not positive.</exception>
    public static double Compute(float[] original, int originalWidth, float[] embedded, int embeddedWidth, int k)
    {
        int n = original.Length / originalWidth;
        if (n < MinimumRows(k)) throw new ArgumentException($"expected at least {MinimumRows(k)} rows for trustworthiness at k = {k}, found {n}");
        float[] originalDistances = SquaredDistances(original, n, originalWidth), embeddedDistances = SquaredDistances(embedded, n, embeddedWidth);

        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> inOriginal = originalDistances.AsSpan(i * n, n), inEmbedding = embeddedDistances.AsSpan(i * n, n);
            foreach (int j in Nearest(inEmbedding, i, k))
            {
                // Rank of j among i's other points in the original space: 1 + how many are strictly nearer
                // (ties, which argsort would break by index, do not occur in real data).
                int rank = 1;
                for (int l = 0; l < n; l++)
                    if (l != i && inOriginal[l] < inOriginal[j]) rank++;
                penalty += Math.Max(0, rank - k);
            }
        }
        return 1 - penalty * 2.0 / ((double)n * k * (2.0 * n - 3.0 * k - 1.0));
    }

    // n × n squared Euclidean distances through libtorch's matrix product.
    private static float[] SquaredDistances(float[] rows, int n, int width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor x = tensor(rows, [n, width]).to_type(ScalarType.Float64);
        Tensor norms = x.square().sum(1);
        Tensor squared = (norms.unsqueeze(1) + norms.unsqueeze(0) - 2 * x.mm(x.t())).clamp_min(0);
        return squared.to_type(ScalarType.Float32).data<float>().ToArray();
    }

    // The k points nearest to i (excluding i), by (distance, index).
    private static int[] Nearest(ReadOnlySpan<float> distances, int self, int k)
    {
        var best = new List<(float Distance, int Index)>(k + 1);
        for (int j = 0; j < distances.Length; j++)
        {
            if (j == self) continue;
            if (best.Count == k && distances[j] >= best[^1].Distance) continue;
            int at = best.Count;
            while (at > 0 && best[at - 1].Distance > distances[j]) at--;
            best.Insert(at, (distances[j], j));
            if (best.Count > k) best.RemoveAt(k);
        }
        return [.. best.Select(b => b.Index)];
    }
}
