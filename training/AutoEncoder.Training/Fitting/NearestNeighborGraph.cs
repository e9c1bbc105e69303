using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Exact k nearest neighbours of every row among all rows (itself excluded), by Euclidean distance:
/// squared distances |x|² + |y|² − 2·x·yᵀ for a chunk of rows at a time through libtorch's matrix
/// product, then the k smallest per row. Exact, not approximate: every pair is compared.
/// </summary>
internal static class NearestNeighborGraph
{
    // Rows per chunk: a chunk's distance matrix is Chunk × count floats (240 MB for 60,000 rows).
    private const int Chunk = 1000;

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours of each of <paramref name="count"/> rows, nearest first:
    /// indices and distances, row-major [count, k]. <paramref name="progress"/> hears the rows done so far.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than k + 1 rows.</exception>
    public static (int[] Indices, float[] Distances) Exact(float[] rows, int count, int width, int k, Action<int>? progress = null)
    {
        if (count <= k) throw new ArgumentException($"expected more than {k} rows to find {k} neighbours each, found {count}");
        var indices = new int[(long)count * k];
        var distances = new float[(long)count * k];
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor all = tensor(rows, [count, width]);
        Tensor norms = all.square().sum(1);
        Tensor allT = all.t();
        for (int start = 0; start < count; start += Chunk)
        {
            using var scope = NewDisposeScope();
            int rowsHere = Math.Min(Chunk, count - start);
            Tensor squared = norms.narrow(0, start, rowsHere).unsqueeze(1) + norms.unsqueeze(0) - 2 * all.narrow(0, start, rowsHere).mm(allT);
            // A row is not its own neighbour, even where a duplicate row ties with it.
            squared.narrow(1, start, rowsHere).diagonal().fill_(float.PositiveInfinity);
            (Tensor values, Tensor nearest) = squared.topk(k, dim: 1, largest: false, sorted: true);
            Array.Copy(values.clamp_min_(0).sqrt_().data<float>().ToArray(), 0, distances, (long)start * k, (long)rowsHere * k);
            Array.Copy(nearest.to_type(ScalarType.Int32).data<int>().ToArray(), 0, indices, (long)start * k, (long)rowsHere * k);
            progress?.Invoke(start + rowsHere);
        }
        return (indices, distances);
    }
}
