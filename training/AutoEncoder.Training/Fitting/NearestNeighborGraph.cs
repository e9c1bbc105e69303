using System.Numerics;
using System.Runtime.CompilerServices;
using AutoEncoder.Training.Kernels;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Exact k nearest neighbours of every row among all rows (itself excluded), by Euclidean distance, as
/// squared distances |x|² + |y|² − 2·x·yᵀ. The rows are cut into blocks, and each pair of blocks (i ≤ j) is
/// multiplied once by ONNX Runtime's kernels (MLAS, AVX-512 here): the tile's distances then update both the
/// i rows' lists and the j rows' lists, so every distance is computed once, half the products of a full
/// distance matrix. A row's list only takes a distance below its current k-th, checked many lanes at a time,
/// so selection costs little beside the product. Threads take pairs of blocks in turn, each with lists of
/// its own, merged at the end: results are the k smallest by (distance, index), whatever the thread count.
/// The previous form, a 1,000 × 60,000 distance chunk and top-k through libtorch, took 139.5 s on MNIST's
/// 60,000 rows in the retraining of 2026-12-04 (about 40 GFLOP/s).
/// </summary>
internal static class NearestNeighborGraph
{
    // Rows per block: a tile is Block × Block floats (4 MB), and 60,000 rows make 1,830 pairs to share out.
    private const int Block = 1024;

    /// <summary>
    /// The <paramref name="k"/> nearest neighbours of each of <paramref name="count"/> rows, nearest first:
    /// indices and distances, row-major [count, k]. <paramref name="progress"/> hears the rows done so far.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than k + 1 rows.</exception>
    public static (int[] Indices, float[] Distances) Exact(float[] rows, int count, int width, int k, Action<int>? progress = null)
    {
        if (count <= k) throw new ArgumentException($"expected more than {k} rows to find {k} neighbours each, found {count}");
        float[] pinned = GC.AllocateUninitializedArray<float>(count * width, pinned: true);
        rows.AsSpan(0, count * width).CopyTo(pinned);
        var norms = new float[count];
        for (int r = 0; r < count; r++)
        {
            float sum = 0;
            foreach (float value in pinned.AsSpan(r * width, width)) sum += value * value;
            norms[r] = sum;
        }

        int blocks = (count + Block - 1) / Block;
        (int I, int J)[] pairs = [.. from i in Enumerable.Range(0, blocks) from j in Enumerable.Range(i, blocks - i) select (i, j)];
        int threads = Math.Min(Environment.ProcessorCount, pairs.Length), done = 0, reported = 0, reportEvery = Math.Max(1, pairs.Length / 100);
        var gate = new object();
        var lists = new NeighborLists[threads];
        using var gemm = new OrtGemm();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var own = lists[t] = new NeighborLists(count, k);
            float[] tile = GC.AllocateUninitializedArray<float>(Block * Block, pinned: true);
            for (int p = t; p < pairs.Length; p += threads)
            {
                (int i, int j) = pairs[p];
                int firstRow = i * Block, rowsHere = Math.Min(Block, count - firstRow);
                int firstColumn = j * Block, columnsHere = Math.Min(Block, count - firstColumn);
                gemm.MultiplyRightTransposed(MatrixView.Of(pinned, firstRow * width, rowsHere, width),
                    MatrixView.Of(pinned, firstColumn * width, columnsHere, width), MatrixView.Of(tile, 0, rowsHere, columnsHere));
                own.Offer(tile, norms, firstRow, rowsHere, firstColumn, columnsHere);
                // Progress as the share of pairs done, in rows, about a hundred times in all and never backwards.
                int finished = Interlocked.Increment(ref done);
                if (progress is null || finished % reportEvery != 0 && finished != pairs.Length) continue;
                lock (gate)
                {
                    int rowsNow = (int)((long)count * finished / pairs.Length);
                    if (rowsNow <= reported) continue;
                    reported = rowsNow;
                    progress(rowsNow);
                }
            }
        });
        return NeighborLists.Merge(lists, count, k);
    }

    /// <summary>Each row's k nearest so far, by (squared distance, index), in flat arrays.</summary>
    private sealed class NeighborLists(int count, int k)
    {
        private readonly float[] distances = Enumerable.Repeat(float.PositiveInfinity, count * k).ToArray();
        private readonly int[] indices = Enumerable.Repeat(int.MaxValue, count * k).ToArray();

        // The k-th distance of each row (infinity while its list has room): the bar a candidate must not exceed.
        private readonly float[] bounds = Enumerable.Repeat(float.PositiveInfinity, count).ToArray();

        /// <summary>Offers every distance of a tile to both rows it joins (once, for a tile on the diagonal).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Offer(float[] tile, float[] norms, int firstRow, int rowsHere, int firstColumn, int columnsHere)
        {
            int lanes = Vector<float>.Count;
            bool diagonal = firstRow == firstColumn;
            for (int r = 0; r < rowsHere; r++)
            {
                int row = firstRow + r;
                float rowNorm = norms[row];
                ReadOnlySpan<float> products = tile.AsSpan(r * columnsHere, columnsHere);
                // On the diagonal tile, only columns after the row: each pair once, and never a row with itself.
                int c = diagonal ? r + 1 : 0;
                for (; !diagonal && c + lanes <= columnsHere; c += lanes)
                {
                    Vector<float> squared = new Vector<float>(rowNorm) + new Vector<float>(norms.AsSpan(firstColumn + c)) - new Vector<float>(products[c..]) * 2f;
                    if (!Vector.LessThanOrEqualAny(squared, new Vector<float>(bounds[row])) && !Vector.LessThanOrEqualAny(squared, new Vector<float>(bounds.AsSpan(firstColumn + c))))
                        continue;
                    for (int lane = 0; lane < lanes; lane++) OfferPair(row, firstColumn + c + lane, squared[lane]);
                }
                for (; c < columnsHere; c++) OfferPair(row, firstColumn + c, rowNorm + norms[firstColumn + c] - 2 * products[c]);
            }
        }

        private void OfferPair(int a, int b, float squared)
        {
            Insert(a, b, squared);
            Insert(b, a, squared);
        }

        private void Insert(int row, int neighbor, float squared)
        {
            if (squared > bounds[row]) return;
            Span<float> d = distances.AsSpan(row * k, k);
            Span<int> n = indices.AsSpan(row * k, k);
            if (squared == d[k - 1] && neighbor >= n[k - 1]) return;
            int at = k - 1;
            for (; at > 0 && (d[at - 1] > squared || d[at - 1] == squared && n[at - 1] > neighbor); at--)
            {
                d[at] = d[at - 1];
                n[at] = n[at - 1];
            }
            d[at] = squared;
            n[at] = neighbor;
            bounds[row] = d[k - 1];
        }

        /// <summary>Each row's k nearest among all threads' lists, as distances (not squared), nearest first.</summary>
        public static (int[] Indices, float[] Distances) Merge(NeighborLists[] lists, int count, int k)
        {
            NeighborLists merged = lists[0];
            for (int t = 1; t < lists.Length; t++)
                for (int row = 0; row < count; row++)
                    for (int i = 0; i < k; i++)
                        if (lists[t].indices[row * k + i] != int.MaxValue) merged.Insert(row, lists[t].indices[row * k + i], lists[t].distances[row * k + i]);
            var distances = new float[count * k];
            for (int i = 0; i < distances.Length; i++) distances[i] = MathF.Sqrt(MathF.Max(merged.distances[i], 0));
            return (merged.indices, distances);
        }
    }
}
