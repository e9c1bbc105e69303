using System.Diagnostics;
using System.Numerics;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// UMAP's spectral start (umap-learn's <c>spectral_layout</c>): the eigenvectors of the fuzzy graph's normalised
/// adjacency D^-½ W D^-½ with the largest eigenvalues after the trivial one (D^½·1, eigenvalue 1), i.e. those of the
/// normalised Laplacian with the smallest, each scaled to [0, 10] as umap-learn scales its start. Found by subspace
/// iteration on a block of <see cref="Oversampling"/> more vectors than asked for, the trivial vector projected out,
/// with a Rayleigh–Ritz rotation every <see cref="RitzEvery"/> products until every kept vector's residual is below
/// <see cref="Tolerance"/>.
/// </summary>
internal static class SpectralLayout
{
    /// <summary>Extra vectors in the block: convergence goes as the ratio of the kept eigenvalues to the first left out.</summary>
    public const int Oversampling = 10;

    /// <summary>Largest residual ‖N·x − θ·x‖ (x of unit length) a kept eigenvector may have; umap-learn asks ARPACK for 1e-4 relative.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Products between Rayleigh–Ritz rotations (and residual checks).</summary>
    public const int RitzEvery = 10;

    /// <summary>Products after which the iteration stops converged or not (a start need not be exact).</summary>
    public const int MaxProducts = 3000;

    // The operator is (N + Shift·I)/(1 + Shift): N's eigenvalues lie in [-1, 1], a normalised adjacency's of a
    // neighbour graph rarely below -0.5, so a shift of 0.5 keeps the wanted ones (near 1) the largest in magnitude
    // while spreading them further apart than the usual (N + I)/2 does.
    private const double Shift = 0.5;

    // Rows per parallel part: fixed, so that sums over rows add in the same order on any thread count.
    private const int PartRows = 2048;

    /// <summary>
    /// The <paramref name="dimensions"/>-D spectral layout of <paramref name="graph"/> over <paramref name="count"/> rows,
    /// row-major, each dimension scaled to [0, 10]; the iteration's start is seeded by <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There are not more rows than <paramref name="dimensions"/> + 1.</exception>
    public static float[] Compute(FuzzyGraph.Edges graph, int count, int dimensions, long seed, Action<string>? log = null) =>
        Scaled(Eigenvectors(graph, count, dimensions, seed, log).Vectors, count, dimensions);

    /// <summary>
    /// The <paramref name="dimensions"/> leading non-trivial eigenvalues of D^-½ W D^-½, largest first, and their
    /// eigenvectors of unit length (row-major, one column each).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There are not more rows than <paramref name="dimensions"/> + 1.</exception>
    public static (double[] Values, double[] Vectors) Eigenvectors(FuzzyGraph.Edges graph, int count, int dimensions, long seed, Action<string>? log = null)
    {
        if (dimensions < 1 || count <= dimensions + 1)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"expected 1 ≤ dimensions < rows − 1 = {count - 1} for a spectral layout");
        var clock = Stopwatch.StartNew();
        int width = Math.Min(dimensions + Oversampling, count - 1);
        NormalisedGraph normalised = NormalisedGraph.Of(graph, count);
        double[] block = RandomBlock(count, width, seed);
        var product = new double[block.Length];
        double[] values = [];
        double residual = double.PositiveInfinity;
        int products = 0;
        while (true)
        {
            // Orthonormal only where the Ritz step needs it: between, ten products change the columns' lengths by
            // less than their eigenvalues' ratios to the tenth power, far from losing their independence.
            Orthonormalise(block, count, width, normalised.Trivial);
            normalised.Multiply(block, product, width);
            products++;
            (values, residual) = RayleighRitz(block, product, count, width, dimensions);
            if (residual < Tolerance || products >= MaxProducts) break;
            if (products % (RitzEvery * 20) == 1)
                log?.Invoke($"spectral start: {products} products, largest residual {residual:E1} (target {Tolerance:E0}), {clock.Elapsed.TotalSeconds:F1} s");
            (block, product) = (product, block);
            for (int step = 1; step < RitzEvery; step++, products++)
            {
                normalised.Multiply(block, product, width);
                (block, product) = (product, block);
            }
        }
        log?.Invoke($"spectral start: eigenvalues {string.Join(", ", values.Take(dimensions).Select(v => v.ToString("F4")))} " +
            $"after {products} products, largest residual {residual:E1}{(residual < Tolerance ? "" : $" (not below {Tolerance:E0}: kept as it is)")}, {clock.Elapsed.TotalSeconds:F1} s");
        var vectors = new double[count * dimensions];
        for (int i = 0; i < count; i++) block.AsSpan(i * width, dimensions).CopyTo(vectors.AsSpan(i * dimensions));
        return (values[..dimensions], vectors);
    }

    /// <summary>D^-½ W D^-½ in compressed rows, and its trivial eigenvector D^½·1 of unit length.</summary>
    private sealed record NormalisedGraph(int[] Starts, int[] Columns, double[] Values, double[] Trivial)
    {
        public static NormalisedGraph Of(FuzzyGraph.Edges graph, int count)
        {
            var degree = new double[count];
            for (int e = 0; e < graph.Count; e++) degree[graph.Heads[e]] += graph.Weights[e];
            // Compressed rows by a counting sort on the head, each row's edges in the graph's order.
            var starts = new int[count + 1];
            foreach (int head in graph.Heads) starts[head + 1]++;
            for (int i = 0; i < count; i++) starts[i + 1] += starts[i];
            int[] next = starts[..count];
            var columns = new int[graph.Count];
            var values = new double[graph.Count];
            for (int e = 0; e < graph.Count; e++)
            {
                int head = graph.Heads[e], slot = next[head]++;
                columns[slot] = graph.Tails[e];
                values[slot] = graph.Weights[e] / Math.Sqrt(degree[head] * degree[graph.Tails[e]]);
            }
            double total = degree.Sum();
            double[] trivial = [.. degree.Select(d => Math.Sqrt(d / total))];
            return new NormalisedGraph(starts, columns, values, trivial);
        }

        /// <summary><paramref name="result"/> = (N + Shift·I)/(1 + Shift) · <paramref name="block"/>, both row-major with <paramref name="width"/> columns.</summary>
        public void Multiply(double[] block, double[] result, int width)
        {
            int count = Starts.Length - 1;
            Parallel.For(0, (count + PartRows - 1) / PartRows, part =>
            {
                Span<double> sum = stackalloc double[width];
                for (int i = part * PartRows, end = Math.Min(count, i + PartRows); i < end; i++)
                {
                    block.AsSpan(i * width, width).CopyTo(sum);
                    Scale(sum, Shift);
                    for (int e = Starts[i]; e < Starts[i + 1]; e++)
                        AddScaled(sum, block.AsSpan(Columns[e] * width, width), Values[e]);
                    Scale(sum, 1 / (1 + Shift));
                    sum.CopyTo(result.AsSpan(i * width, width));
                }
            });
        }
    }

    // A block of seeded standard normal values (Box–Muller), row-major.
    private static double[] RandomBlock(int count, int width, long seed)
    {
        var random = new Random(unchecked((int)(seed * 7_919 + 104_729)));
        var block = new double[count * width];
        for (int i = 0; i < block.Length; i++)
            block[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return block;
    }

    // Projects the trivial vector out of every column, then makes the columns orthonormal by Cholesky QR twice
    // (CholeskyQR2: the second pass repairs what the first loses to rounding).
    private static void Orthonormalise(double[] block, int count, int width, double[] trivial)
    {
        var along = new double[width];
        for (int i = 0; i < count; i++) AddScaled(along, block.AsSpan(i * width, width), trivial[i]);
        for (int i = 0; i < count; i++) AddScaled(block.AsSpan(i * width, width), along, -trivial[i]);
        for (int pass = 0; pass < 2; pass++)
        {
            using var scope = NewDisposeScope();
            double[] gram = Gram(block, block, count, width);
            Tensor factor = linalg.cholesky(tensor(gram, [width, width]));
            Rotate(block, count, width, linalg.inv(factor).t().contiguous().data<double>().ToArray());
        }
    }

    // Rotates the block (and its product with the operator) to the Ritz vectors, largest Ritz value first; returns
    // the values and the largest residual among the first `kept` vectors.
    private static (double[] Values, double Residual) RayleighRitz(double[] block, double[] product, int count, int width, int kept)
    {
        double[] projected = Gram(block, product, count, width);
        for (int r = 0; r < width; r++)
            for (int c = 0; c < r; c++)
                projected[r * width + c] = projected[c * width + r] = (projected[r * width + c] + projected[c * width + r]) / 2;
        using var scope = NewDisposeScope();
        var (eigenvalues, eigenvectors) = linalg.eigh(tensor(projected, [width, width]));
        double[] values = eigenvalues.flip(0).data<double>().ToArray();
        double[] rotation = eigenvectors.flip(1).contiguous().data<double>().ToArray();
        Rotate(block, count, width, rotation);
        Rotate(product, count, width, rotation);
        var squares = new double[width];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < width; c++)
            {
                double difference = product[i * width + c] - values[c] * block[i * width + c];
                squares[c] += difference * difference;
            }
        // The operator's eigenvalue θ is (λ + Shift)/(1 + Shift) of N's λ; its residual is N's scaled by 1/(1 + Shift).
        double residual = squares.Take(kept).Max(Math.Sqrt) * (1 + Shift);
        return ([.. values.Select(v => v * (1 + Shift) - Shift)], residual);
    }

    // Aᵀ·B of two row-major blocks, summed over parts of fixed size in a fixed order.
    private static double[] Gram(double[] a, double[] b, int count, int width)
    {
        int parts = (count + PartRows - 1) / PartRows;
        var partial = new double[parts][];
        Parallel.For(0, parts, part =>
        {
            var sum = new double[width * width];
            for (int i = part * PartRows, end = Math.Min(count, i + PartRows); i < end; i++)
            {
                ReadOnlySpan<double> right = b.AsSpan(i * width, width);
                for (int r = 0; r < width; r++)
                    AddScaled(sum.AsSpan(r * width, width), right, a[i * width + r]);
            }
            partial[part] = sum;
        });
        var gram = new double[width * width];
        foreach (double[] sum in partial) AddScaled(gram, sum, 1);
        return gram;
    }

    // Each row x of the block becomes x·R for the width × width matrix R (row-major).
    private static void Rotate(double[] block, int count, int width, double[] rotation)
    {
        Parallel.For(0, (count + PartRows - 1) / PartRows, part =>
        {
            Span<double> row = stackalloc double[width];
            for (int i = part * PartRows, end = Math.Min(count, i + PartRows); i < end; i++)
            {
                Span<double> x = block.AsSpan(i * width, width);
                row.Clear();
                for (int k = 0; k < width; k++) AddScaled(row, rotation.AsSpan(k * width, width), x[k]);
                row.CopyTo(x);
            }
        });
    }

    // The first `dimensions` columns, each mapped linearly onto [0, 10] (umap-learn's scaling of its start).
    private static float[] Scaled(double[] vectors, int count, int dimensions)
    {
        var layout = new float[count * dimensions];
        for (int c = 0; c < dimensions; c++)
        {
            double low = double.PositiveInfinity, high = double.NegativeInfinity;
            for (int i = 0; i < count; i++)
            {
                low = Math.Min(low, vectors[i * dimensions + c]);
                high = Math.Max(high, vectors[i * dimensions + c]);
            }
            double scale = high > low ? 10 / (high - low) : 0;
            for (int i = 0; i < count; i++) layout[i * dimensions + c] = (float)((vectors[i * dimensions + c] - low) * scale);
        }
        return layout;
    }

    private static void Scale(Span<double> values, double factor)
    {
        for (int i = 0; i < values.Length; i++) values[i] *= factor;
    }

    // target += source · factor, by vectors where the span allows.
    private static void AddScaled(Span<double> target, ReadOnlySpan<double> source, double factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var f = new Vector<double>(factor);
            for (; i <= target.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(target[i..]) + new Vector<double>(source[i..]) * f).CopyTo(target[i..]);
        }
        for (; i < target.Length; i++) target[i] += source[i] * factor;
    }
}
