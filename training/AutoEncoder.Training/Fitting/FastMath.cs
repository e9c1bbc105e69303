using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// exp and log1p on the two ranges the logit loss needs, as short polynomials. The general
/// <c>Vector512.Exp</c>/<c>Log</c> handle every input; these reach float precision (relative error
/// ≤ 3e-7, tested) on their range only, and with them the loss pass over 32×784 values took 19.5 µs
/// instead of 27.5 µs here.
/// Coefficients are Chebyshev fits of the functions on those ranges, rounded to float.
/// </summary>
internal static class FastMath
{
    private const float Log2E = 1.44269504f;
    // ln 2 split so that n·LnTwoHigh is exact for the n that occur (|n| ≤ 126).
    private const float LnTwoHigh = 0.693145752f, LnTwoLow = 1.42860677e-6f;
    // exp(−87.3) is still a normal float; below it the result would need a subnormal scale.
    private const float LowestArgument = -87.3f;

    /// <summary>e^x for x ≤ 0; arguments below −87.3 give e^−87.3 (≈ 1e-38).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpOfNonPositive(Vector512<float> x)
    {
        // e^x = 2^n · e^r with n = round(x / ln 2) and |r| ≤ ln 2 / 2.
        x = Vector512.Max(x, Vector512.Create(LowestArgument));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-LnTwoHigh), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-LnTwoLow), r);
        var p = Vector512.Create(0.0013948581f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.008375129f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.041666217f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.16666415f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        // 2^n built directly in the exponent field (n ≥ −126 keeps it a normal float).
        var twoToN = ((Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23).AsSingle();
        return p * twoToN;
    }

    /// <summary>ln(1 + e) for 0 ≤ e ≤ 1, as e · q(e) so that the relative error holds down to e = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Log1pOfUnit(Vector512<float> e)
    {
        var q = Vector512.Create(0.005253458f);
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(-0.029588507f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(0.078361668f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(-0.136747703f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(0.191114306f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(-0.248443693f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(0.333192706f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512.Create(-0.499995023f));
        q = Vector512.FusedMultiplyAdd(q, e, Vector512<float>.One);
        return q * e;
    }
}
