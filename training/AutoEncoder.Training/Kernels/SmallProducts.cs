using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// Matrix products too small for a library call, in managed vector loops over row-major spans. A call into
/// libtorch or ONNX Runtime costs microseconds before any arithmetic, and the seed model's step is five
/// products of 32 × 784 × 2 (50,176 multiply-adds each, a few microseconds of arithmetic). Each form loops
/// over the operands' longer side, which the fused step's weight layout keeps contiguous. The order of
/// every sum is fixed, so results do not depend on alignment or threads.
/// </summary>
internal static class SmallProducts
{
    /// <summary>c[m×n] ← a[m×k] · b[n×k]ᵀ, plus <paramref name="bias"/>[n] on every row unless it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> row = a.Slice(i * k, k);
            for (int j = 0; j < n; j++) c[i * n + j] = (bias.IsEmpty ? 0 : bias[j]) + Dot(row, b.Slice(j * k, k));
        }
    }

    /// <summary>c[m×n] ← a[m×k] · b[k×n], plus <paramref name="bias"/>[n] on every row unless it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> bias, Span<float> c, int m, int n, int k)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * n, n);
            if (bias.IsEmpty) row.Clear();
            else bias.CopyTo(row);
            for (int p = 0; p < k; p++) Axpy(a[i * k + p], b.Slice(p * n, n), row);
        }
    }

    /// <summary>c[m×n] ← a[k×m]ᵀ · b[k×n].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyLeftTransposed(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k)
    {
        c[..(m * n)].Clear();
        for (int p = 0; p < k; p++)
        {
            ReadOnlySpan<float> row = b.Slice(p * n, n);
            for (int j = 0; j < m; j++) Axpy(a[p * m + j], row, c.Slice(j * n, n));
        }
    }

    /// <summary>sums[n] ← the sum of the <paramref name="m"/> rows of a[m×n] (a bias's gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRows(ReadOnlySpan<float> a, Span<float> sums, int m, int n)
    {
        sums[..n].Clear();
        for (int i = 0; i < m; i++) Axpy(1, a.Slice(i * n, n), sums);
    }

    // Four accumulators, so that the adds do not wait on each other.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x), vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        Vector<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int v = 0;
        for (; v + 3 < vx.Length; v += 4)
        {
            s0 += vx[v] * vy[v];
            s1 += vx[v + 1] * vy[v + 1];
            s2 += vx[v + 2] * vy[v + 2];
            s3 += vx[v + 3] * vy[v + 3];
        }
        for (; v < vx.Length; v++) s0 += vx[v] * vy[v];
        float sum = Vector.Sum((s0 + s1) + (s2 + s3));
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        if (alpha == 0) return;
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        Span<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y[..x.Length]);
        var va = new Vector<float>(alpha);
        for (int v = 0; v < vx.Length; v++) vy[v] += va * vx[v];
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++) y[i] += alpha * x[i];
    }
}
