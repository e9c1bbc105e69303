using System.Runtime.Intrinsics;

namespace AutoEncoder.Training.Training;

/// <summary>
/// Adam over flat float buffers in one vectorised pass, with PyTorch's update rule and operation order
/// (m ← m + (1 − β₁)(g − m); v ← β₂v + (1 − β₂)g²; p ← p − (lr / c₁) · m / (√v / √c₂ + ε)). As seven
/// libtorch operations it costs ~17 µs a step for the seed model; as one pass, a few.
/// </summary>
internal static class AdamUpdate
{
    /// <summary>Exponential decay of the first moment.</summary>
    public const float Beta1 = 0.9f;

    /// <summary>Exponential decay of the second moment.</summary>
    public const float Beta2 = 0.999f;

    /// <summary>Added to the denominator.</summary>
    public const float Epsilon = 1e-8f;

    private const int ParallelChunk = 1 << 16;

    /// <summary>Updates <paramref name="parameters"/> in place; <paramref name="step"/> counts from 1.</summary>
    public static void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float[] firstMoment, float[] secondMoment,
        long step, double rate, bool parallel)
    {
        float stepSize = (float)(rate / (1 - Math.Pow(Beta1, step)));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, step));
        int count = parameters.Length;
        if (!parallel || count < 2 * ParallelChunk)
        {
            Range(parameters, gradients, firstMoment, secondMoment, 0, stepSize, correction2Sqrt);
            return;
        }

        unsafe
        {
            fixed (float* p = parameters)
            fixed (float* g = gradients)
            {
                nint pAddress = (nint)p, gAddress = (nint)g;
                Parallel.For(0, (count + ParallelChunk - 1) / ParallelChunk, c =>
                {
                    int start = c * ParallelChunk, length = Math.Min(ParallelChunk, count - start);
                    Range(new Span<float>((float*)pAddress + start, length), new ReadOnlySpan<float>((float*)gAddress + start, length),
                        firstMoment, secondMoment, start, stepSize, correction2Sqrt);
                });
            }
        }
    }

    // Hot loop: compile optimised from the first call rather than after tiering up.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Range(Span<float> p, ReadOnlySpan<float> g, float[] mArray, float[] vArray, int offset,
        float stepSize, float correction2Sqrt)
    {
        Span<float> m = mArray.AsSpan(offset, p.Length), v = vArray.AsSpan(offset, p.Length);
        int width = Vector256<float>.Count, i = 0;
        var oneMinusBeta1 = Vector256.Create(1 - Beta1);
        var beta2 = Vector256.Create(Beta2);
        var oneMinusBeta2 = Vector256.Create(1 - Beta2);
        var correction = Vector256.Create(correction2Sqrt);
        var epsilon = Vector256.Create(Epsilon);
        var size = Vector256.Create(stepSize);
        for (; i + width <= p.Length; i += width)
        {
            var gi = Vector256.Create(g.Slice(i, width));
            var mi = Vector256.Create(m.Slice(i, width));
            var vi = Vector256.Create(v.Slice(i, width));
            mi += oneMinusBeta1 * (gi - mi);
            vi = vi * beta2 + oneMinusBeta2 * gi * gi;
            var denominator = Vector256.Sqrt(vi) / correction + epsilon;
            (Vector256.Create(p.Slice(i, width)) - size * (mi / denominator)).CopyTo(p.Slice(i, width));
            mi.CopyTo(m.Slice(i, width));
            vi.CopyTo(v.Slice(i, width));
        }
        for (; i < p.Length; i++)
        {
            m[i] += (1 - Beta1) * (g[i] - m[i]);
            v[i] = v[i] * Beta2 + (1 - Beta2) * g[i] * g[i];
            p[i] -= stepSize * (m[i] / (MathF.Sqrt(v[i]) / correction2Sqrt + Epsilon));
        }
    }
}
