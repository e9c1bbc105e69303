using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AutoEncoder.Inference.Internal;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// BCE-with-logits and its gradient in one vectorised pass over managed memory. libtorch computes the
/// loss (88 µs for 32×784 here) and the sigmoid for the gradient (33 µs) as separate kernels; this pass
/// computes both from one exponential (the inference library's, which its sigmoid uses too) and one
/// logarithm per element: e = exp(−|z|), σ(z) = 1/(1+e) or e/(1+e), loss = log(1+e) + max(z, 0) − x·z.
/// </summary>
internal static class LogitLoss
{
    /// <summary>
    /// Writes <paramref name="errorScale"/> · (σ(z) − x) into <paramref name="error"/> (the gradient of a mean loss
    /// when the scale is 1 / its count) and returns Σ loss over all elements.
    /// </summary>
    // Hot loop: compile optimised from the first call rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Range(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> error, float errorScale)
    {
        double total = 0;
        int done = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 16 lanes where the hardware has them: the pass took 19.5 µs for 32×784 on 16 lanes against
            // 27.5 on 8 (AVX-512 host, 2026-12-02, with the earlier exponential).
            ReadOnlySpan<Vector512<float>> zs = MemoryMarshal.Cast<float, Vector512<float>>(logits), xs = MemoryMarshal.Cast<float, Vector512<float>>(targets);
            Span<Vector512<float>> errors = MemoryMarshal.Cast<float, Vector512<float>>(error);
            var loss = Vector512<float>.Zero;
            var scale = Vector512.Create(errorScale);
            for (int v = 0; v < zs.Length; v++)
            {
                Vector512<float> z = zs[v], x = xs[v];
                Vector512<float> e = VectorMath.Exp(-Vector512.Abs(z));
                errors[v] = (VectorMath.SigmoidFromExp(z, e) - x) * scale;
                loss += Log1p.OfUnit(e) + Vector512.Max(z, Vector512<float>.Zero) - x * z;
            }
            total = Vector512.Sum(Vector512.WidenLower(loss) + Vector512.WidenUpper(loss));
            done = zs.Length * Vector512<float>.Count;
        }
        else
        {
            ReadOnlySpan<Vector<float>> zs = MemoryMarshal.Cast<float, Vector<float>>(logits), xs = MemoryMarshal.Cast<float, Vector<float>>(targets);
            Span<Vector<float>> errors = MemoryMarshal.Cast<float, Vector<float>>(error);
            var loss = Vector<float>.Zero;
            var scale = new Vector<float>(errorScale);
            for (int v = 0; v < zs.Length; v++)
            {
                Vector<float> z = zs[v], x = xs[v];
                Vector<float> e = VectorMath.Exp(-Vector.Abs(z));
                errors[v] = (VectorMath.SigmoidFromExp(z, e) - x) * scale;
                loss += Log1p.OfUnit(e) + Vector.Max(z, Vector<float>.Zero) - x * z;
            }
            Vector.Widen(loss, out Vector<double> low, out Vector<double> high);
            total = Vector.Sum(low + high);
            done = zs.Length * Vector<float>.Count;
        }
        for (int i = done; i < logits.Length; i++)
        {
            float z = logits[i], x = targets[i], e = MathF.Exp(-MathF.Abs(z));
            error[i] = ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - x) * errorScale;
            total += MathF.Log(1 + e) + MathF.Max(z, 0) - x * z;
        }
        return total;
    }
}
