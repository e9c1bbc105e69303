using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Parametric UMAP's loss (Sainburg et al. 2021, after UMAP's SGD): the cross-entropy between the graph's
/// memberships (1 for a sampled edge, 0 for a negative sample) and the codes' similarities
/// q = 1 / (1 + a·d^(2b)), each term clipped at 1e-4 as their implementation does.
/// </summary>
internal sealed class UmapLoss : IDisposable
{
    /// <summary>Clip of q and 1 − q inside the logarithms (parametric UMAP's EPS).</summary>
    public const double Epsilon = 1e-4;

    // The constants as 0-dimensional tensors, made once, and sums through HeldScalars (whose alpha is never
    // finalised): no temporary Scalar. Long full-data runs crashed inside libtorch on corrupted Scalar arguments
    // ("Expected false to be true" in toFloat, an internal assert in Scalar::equal) with temporary Scalars.
    private readonly Tensor a, b, one, tiny, epsilon;

    /// <summary>The loss for the similarity curve (<paramref name="curveA"/>, <paramref name="curveB"/>), in <paramref name="type"/>.</summary>
    public UmapLoss(double curveA, double curveB, ScalarType type = ScalarType.Float32)
    {
        a = tensor(curveA, type);
        b = tensor(curveB, type);
        one = tensor(1.0, type);
        // d² gets 1e-12 so that the power's gradient stays finite when two codes coincide.
        tiny = tensor(1e-12, type);
        epsilon = tensor(Epsilon, type);
    }

    /// <summary>q = 1 / (1 + a·d^(2b)) between rows of <paramref name="from"/> and <paramref name="to"/>, written as (d²)^b.</summary>
    public Tensor Similarity(Tensor from, Tensor to)
    {
        Tensor squared = (from - to).square().sum(1).Plus(tiny);
        return squared.pow(b).mul(a).Plus(one).reciprocal();
    }

    /// <summary>
    /// Mean cross-entropy over the attracted pairs (<paramref name="from"/>, <paramref name="to"/>) and the
    /// repelled pairs (<paramref name="negativeFrom"/>, <paramref name="negativeTo"/>), all terms weighted alike.
    /// </summary>
    public Tensor CrossEntropy(Tensor from, Tensor to, Tensor negativeFrom, Tensor negativeTo)
    {
        Tensor attraction = Similarity(from, to).clamp(epsilon, one).log().neg();
        Tensor repulsion = one.sub(Similarity(negativeFrom, negativeTo)).clamp(epsilon, one).log().neg();
        return cat([attraction, repulsion]).mean();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor constant in new[] { a, b, one, tiny, epsilon }) constant.Dispose();
    }
}
