using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// BCE-with-logits and its gradient in one vectorised pass over managed memory. libtorch computes the
/// loss (88 µs for 32×784 here) and the sigmoid for the gradient (33 µs) as separate kernels; this pass
/// computes both from one exponential and one logarithm per element:
/// e = exp(−|z|), σ(z) = 1/(1+e) or e/(1+e), loss = log(1+e) + max(z, 0) − x·z.
/// </summary>
internal static class LogitLoss
{
    /// <summary>Writes σ(z) − x into <paramref name="error"/> and returns Σ loss over all elements.</summary>
    // Hot loop: compile optimised from the first call rather than after tiering up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Range(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> error)
    {
        int i = 0;
        double total = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // With AVX-512: 16 lanes, and polynomial exp/log1p (FastMath) in place of the general functions.
            var loss = Vector512<float>.Zero;
            for (; i + Vector512<float>.Count <= logits.Length; i += Vector512<float>.Count)
            {
                var z = Vector512.Create(logits.Slice(i, Vector512<float>.Count));
                var x = Vector512.Create(targets.Slice(i, Vector512<float>.Count));
                var e = FastMath.ExpOfNonPositive(-Vector512.Abs(z));
                var inverse = Vector512<float>.One / (Vector512<float>.One + e);
                var sigmoid = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero), inverse, e * inverse);
                (sigmoid - x).CopyTo(error.Slice(i, Vector512<float>.Count));
                loss += FastMath.Log1pOfUnit(e) + Vector512.Max(z, Vector512<float>.Zero) - x * z;
            }
            total = Vector512.Sum(Vector512.WidenLower(loss) + Vector512.WidenUpper(loss));
        }
        else
        {
            var loss = Vector256<float>.Zero;
            for (; i + Vector256<float>.Count <= logits.Length; i += Vector256<float>.Count)
            {
                var z = Vector256.Create(logits.Slice(i, Vector256<float>.Count));
                var x = Vector256.Create(targets.Slice(i, Vector256<float>.Count));
                var e = Vector256.Exp(-Vector256.Abs(z));
                var inverse = Vector256<float>.One / (Vector256<float>.One + e);
                var sigmoid = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), inverse, e * inverse);
                (sigmoid - x).CopyTo(error.Slice(i, Vector256<float>.Count));
                loss += Vector256.Log(Vector256<float>.One + e) + Vector256.Max(z, Vector256<float>.Zero) - x * z;
            }
            total = Vector256.Sum(Vector256.WidenLower(loss) + Vector256.WidenUpper(loss));
        }
        for (; i < logits.Length; i++)
        {
            float z = logits[i], x = targets[i], e = MathF.Exp(-MathF.Abs(z));
            error[i] = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - x;
            total += MathF.Log(1 + e) + MathF.Max(z, 0) - x * z;
        }
        return total;
    }
}
