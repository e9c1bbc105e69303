using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Tensor arithmetic with numbers whose Scalar arguments outlive the libtorch call that reads them. TorchSharp
/// turns a number into a temporary Scalar (and passes one as the alpha of every <c>Tensor + Tensor</c>) that
/// nothing references once its native handle has been read: when another thread's allocation starts a
/// collection during the call, the finaliser can free the Scalar while libtorch still reads it, and libtorch
/// fails with "Unknown scalar type". It ended a Fashion build in the fused step's <c>le</c> and, on
/// 2026-12-05, a conv run in the autograd step's shard weighting (<c>mul</c>), both while two shards ran side by
/// side. The same operations in the same order as the operators they replace: the results keep their bits.
/// </summary>
internal static class HeldScalars
{
    // Zero and One are static, so rooted for the life of the process and never finalised.

    /// <summary>0, as a Scalar that is never finalised.</summary>
    public static Scalar Zero { get; } = 0.ToScalar();

    /// <summary>1, as a Scalar that is never finalised (also the alpha of every sum here).</summary>
    public static Scalar One { get; } = 1.ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> + <paramref name="term"/>.</summary>
    public static Tensor Plus(this Tensor a, double term)
    {
        using Scalar held = term.ToScalar();
        return a.add(held, One);
    }

    /// <summary><paramref name="a"/> · <paramref name="factor"/>.</summary>
    public static Tensor Times(this Tensor a, double factor)
    {
        using Scalar held = factor.ToScalar();
        return a.mul(held);
    }

    /// <summary><paramref name="a"/> / <paramref name="divisor"/>.</summary>
    public static Tensor DividedBy(this Tensor a, long divisor)
    {
        using Scalar held = divisor.ToScalar();
        return a.div(held);
    }

    /// <summary>Whether each element of <paramref name="a"/> is below <paramref name="bound"/>.</summary>
    public static Tensor Below(this Tensor a, double bound)
    {
        using Scalar held = bound.ToScalar();
        return a.lt(held);
    }

    /// <summary>Whether each element of <paramref name="a"/> is at least <paramref name="bound"/>.</summary>
    public static Tensor AtLeast(this Tensor a, double bound)
    {
        using Scalar held = bound.ToScalar();
        return a.ge(held);
    }
}
