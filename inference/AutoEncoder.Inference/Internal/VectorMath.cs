using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The logistic sigmoid over spans, eight lanes at a time. .NET's own <c>Vector256.Exp</c> was measured
/// here at 0.35 µs for 784 logits spread over ±10 but 1.7 µs for logits within ±1 (a slower path for some
/// inputs), and decoders produce the latter; this exponential costs the same for any input.
/// </summary>
internal static class VectorMath
{
    // exp(x) = 2ⁿ·e^r with n = round(x·log₂e) and |r| ≤ ln2/2; e^r by the degree-6 polynomial of Cephes'
    // expf (coefficients from S. L. Moshier's Cephes library), ln 2 split in two for an exact r.
    private const float Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    // Below this e^x is under float's smallest normal number: clamped there, σ is 1e-38 instead of smaller.
    private const float MinArgument = -87.3f;

    /// <summary>Writes σ(x) = 1 / (1 + e^−x) over <paramref name="values"/> in place, to within 2e-7 of the exact value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid(Span<float> values)
    {
        int i = 0;
        for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
        {
            Vector256<float> z = Vector256.Create(values.Slice(i, Vector256<float>.Count));
            // e = e^−|z| ≤ 1, and σ(z) = 1/(1+e) for z ≥ 0, e/(1+e) below: no overflow on either side.
            Vector256<float> e = ExpOfNonPositive(-Vector256.Abs(z));
            Vector256<float> inverse = Vector256<float>.One / (Vector256<float>.One + e);
            Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), inverse, e * inverse)
                .CopyTo(values.Slice(i, Vector256<float>.Count));
        }
        for (; i < values.Length; i++) values[i] = 1f / (1f + MathF.Exp(-values[i]));
    }

    /// <summary>e^x for x ≤ 0 (larger values are not expected and not checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ExpOfNonPositive(Vector256<float> x)
    {
        x = Vector256.Max(x, Vector256.Create(MinArgument));
        Vector256<float> n = Vector256.Floor(x * Vector256.Create(Log2E) + Vector256.Create(0.5f));
        Vector256<float> r = x - n * Vector256.Create(Ln2High) - n * Vector256.Create(Ln2Low);
        Vector256<float> p = Vector256.Create(P0);
        p = p * r + Vector256.Create(P1);
        p = p * r + Vector256.Create(P2);
        p = p * r + Vector256.Create(P3);
        p = p * r + Vector256.Create(P4);
        p = p * r + Vector256.Create(P5);
        Vector256<float> expR = p * r * r + r + Vector256<float>.One;
        // 2ⁿ from its exponent bits; n ≥ −126 after the clamp, so the result stays a normal float.
        Vector256<int> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23);
        return expR * scale.AsSingle();
    }
}
