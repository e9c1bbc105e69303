using static TorchSharp.torch;

namespace AutoEncoder.Training.Clustering;

/// <summary>
/// A fitted clustering as Gaussian components: weights, means and precision factors P (P·Pᵀ is the inverse
/// covariance, as scikit-learn's <c>precisions_cholesky_</c>). A code x belongs to component k with log-density
/// log w_k + log det P_k − ½·(D·log 2π + ‖(x − μ_k)·P_k‖²), and its probabilities are their softmax. k-means is
/// the equal-weight case with one shared spherical variance, whose most probable component is the nearest centroid.
/// </summary>
/// <param name="Method">How the components were fitted.</param>
/// <param name="Clusters">Number of components, K.</param>
/// <param name="Dimensions">Values per code, D.</param>
/// <param name="Weights">K mixing weights summing to 1.</param>
/// <param name="Means">K × D means, row-major.</param>
/// <param name="PrecisionFactors">K × D × D precision factors P_k, row-major.</param>
internal sealed record GaussianClusters(ClusterMethod Method, int Clusters, int Dimensions, double[] Weights, double[] Means, double[] PrecisionFactors)
{
    /// <summary>Most codes one call turns into probabilities: bounds the [rows, K, D] intermediate.</summary>
    private const int Chunk = 8192;

    /// <summary>Equal-weight components of one spherical variance around <paramref name="centroids"/> (K × D).</summary>
    public static GaussianClusters FromCentroids(double[] centroids, int clusters, int dimensions, double variance)
    {
        var factors = new double[clusters * dimensions * dimensions];
        double scale = 1 / Math.Sqrt(variance);
        for (int k = 0; k < clusters; k++)
            for (int d = 0; d < dimensions; d++) factors[(k * dimensions + d) * dimensions + d] = scale;
        return new GaussianClusters(ClusterMethod.KMeans, clusters, dimensions, Enumerable.Repeat(1.0 / clusters, clusters).ToArray(), centroids, factors);
    }

    /// <summary>log w_k + log det P_k − ½·D·log 2π, the part of each log-density that does not depend on the code.</summary>
    public double[] LogConstants()
    {
        var constants = new double[Clusters];
        for (int k = 0; k < Clusters; k++)
        {
            double logDeterminant = 0;
            for (int d = 0; d < Dimensions; d++) logDeterminant += Math.Log(PrecisionFactors[(k * Dimensions + d) * Dimensions + d]);
            constants[k] = Math.Log(Weights[k]) + logDeterminant - 0.5 * Dimensions * Math.Log(2 * Math.PI);
        }
        return constants;
    }

    /// <summary>Each code's log-density under each component, weight included: [rows, K] (double).</summary>
    public Tensor WeightedLogDensities(Tensor codes)
    {
        using Tensor means = tensor(Means, [Clusters, Dimensions], float64);
        using Tensor factors = tensor(PrecisionFactors, [Clusters, Dimensions, Dimensions], float64);
        using Tensor c = tensor(LogConstants(), float64);
        var chunks = new List<Tensor>();
        for (long start = 0; start < codes.shape[0]; start += Chunk)
        {
            using var scope = NewDisposeScope();
            Tensor x = codes.narrow(0, start, Math.Min(Chunk, codes.shape[0] - start)).to_type(ScalarType.Float64);
            // (x − μ_k) first, then P_k: no cancellation between the large products x·P_k and μ_k·P_k.
            Tensor squared = (x.unsqueeze(1) - means).unsqueeze(2).matmul(factors).square().sum([2, 3]);
            chunks.Add((c - 0.5 * squared).MoveToOuterDisposeScope());
        }
        Tensor all = cat(chunks, 0);
        foreach (Tensor chunk in chunks) chunk.Dispose();
        return all;
    }

    /// <summary>Each code's probabilities (rows sum to 1) and most probable component.</summary>
    public (float[] Probabilities, int[] Assigned) Assign(Tensor codes)
    {
        using var scope = NewDisposeScope();
        Tensor probabilities = WeightedLogDensities(codes).softmax(1);
        return (probabilities.to_type(ScalarType.Float32).data<float>().ToArray(),
                [.. probabilities.argmax(1).to_type(ScalarType.Int32).data<int>()]);
    }
}

/// <summary>How <c>cluster</c> groups codes.</summary>
internal enum ClusterMethod
{
    /// <summary>k-means from k-means++ seeds, restarted; hard assignments (probabilities under one shared spherical variance).</summary>
    KMeans,

    /// <summary>A Gaussian mixture with full covariances, fitted by EM from the k-means solution.</summary>
    Gmm,
}
