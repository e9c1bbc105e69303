using static TorchSharp.torch;

namespace AutoEncoder.Training.Clustering;

/// <summary>
/// A Gaussian mixture with full covariances fitted by expectation–maximisation from a hard assignment
/// (k-means'), as scikit-learn's <c>GaussianMixture(covariance_type="full", init_params="kmeans")</c> does:
/// <see cref="Regularization"/> is added to every covariance's diagonal, so a component of fewer distinct codes
/// than dimensions stays invertible; one that is singular still is refused with its number, never NaN.
/// </summary>
internal static class MixtureFit
{
    /// <summary>Most EM iterations (scikit-learn's max_iter).</summary>
    public const int MaxIterations = 100;

    /// <summary>Converged when the mean log-likelihood per code changes less than this (scikit-learn's tol).</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Added to every covariance's diagonal (scikit-learn's reg_covar).</summary>
    public const double Regularization = 1e-6;

    /// <summary>The mixture, its mean log-likelihood per code, EM iterations and whether it converged.</summary>
    public sealed record Result(GaussianClusters Mixture, double MeanLogLikelihood, int Iterations, bool Converged)
    {
        /// <summary>Bayesian information criterion, −2·log L + parameters·ln N: lower is better.</summary>
        public double Bic(long rows)
        {
            int k = Mixture.Clusters, d = Mixture.Dimensions;
            long parameters = k * d * (d + 1L) / 2 + k * d + k - 1;
            return -2 * MeanLogLikelihood * rows + parameters * Math.Log(rows);
        }
    }

    /// <summary>
    /// Fits a mixture of as many components as <paramref name="assigned"/> names (0..K−1) to <paramref name="codes"/>
    /// [rows, D], starting from those hard assignments; <paramref name="iterationDone"/> hears each iteration's mean log-likelihood.
    /// </summary>
    /// <exception cref="InvalidDataException">A covariance is singular even after <paramref name="regularization"/>.</exception>
    public static Result Fit(Tensor codes, int[] assigned, int clusters, double regularization = Regularization, Action<int, double>? iterationDone = null)
    {
        using var scope = NewDisposeScope();
        Tensor x = codes.to_type(ScalarType.Float64);
        Tensor responsibilities = nn.functional.one_hot(tensor(assigned.Select(a => (long)a).ToArray()), clusters).to_type(ScalarType.Float64);
        GaussianClusters mixture = Maximize(x, responsibilities, regularization);
        double previous = double.NegativeInfinity, current = double.NegativeInfinity;
        for (int iteration = 1; iteration <= MaxIterations; iteration++)
        {
            using var step = NewDisposeScope();
            Tensor logDensities = mixture.WeightedLogDensities(x);
            Tensor logNormalizer = logDensities.logsumexp(1, keepdim: true);
            current = logNormalizer.mean().item<double>();
            mixture = Maximize(x, (logDensities - logNormalizer).exp(), regularization);
            iterationDone?.Invoke(iteration, current);
            if (Math.Abs(current - previous) < Tolerance) return Final(x, mixture, iteration, true);
            previous = current;
        }
        return Final(x, mixture, MaxIterations, false);
    }

    // The likelihood of the parameters returned, not of those before the last M step.
    private static Result Final(Tensor x, GaussianClusters mixture, int iterations, bool converged)
    {
        using Tensor logDensities = mixture.WeightedLogDensities(x);
        using Tensor logNormalizer = logDensities.logsumexp(1);
        return new Result(mixture, logNormalizer.mean().item<double>(), iterations, converged);
    }

    /// <summary>The M step: weights, means and precision factors from soft assignments [rows, K].</summary>
    private static GaussianClusters Maximize(Tensor x, Tensor responsibilities, double regularization)
    {
        using var scope = NewDisposeScope();
        long rows = x.shape[0], d = x.shape[1], k = responsibilities.shape[1];
        // scikit-learn's 10·eps keeps an empty component's mass above zero.
        Tensor mass = responsibilities.sum(0L) + 10 * 2.220446049250313e-16;
        Tensor means = responsibilities.t().matmul(x) / mass.unsqueeze(1);
        Tensor identity = eye(d, dtype: ScalarType.Float64);
        var factors = new double[k * d * d];
        for (int c = 0; c < k; c++)
        {
            Tensor centred = x - means.select(0, c);
            Tensor covariance = (responsibilities.select(1, c).unsqueeze(1) * centred).t().matmul(centred) / mass.select(0, c) + regularization * identity;
            (Tensor lower, Tensor info) = linalg.cholesky_ex(covariance);
            if (info.item<int>() != 0)
                throw new InvalidDataException(
                    $"Gaussian mixture: component {c} has a singular covariance (its codes span fewer than {d} dimensions); fewer clusters or k-means would fit");
            // P = (L⁻¹)ᵀ, so that P·Pᵀ = (L·Lᵀ)⁻¹ is the precision.
            Tensor factor = linalg.solve_triangular(lower, identity, upper: false).t().contiguous();
            factor.data<double>().CopyTo(factors.AsSpan(c * (int)(d * d)));
        }
        double[] weights = (mass / rows).data<double>().ToArray();
        return new GaussianClusters(ClusterMethod.Gmm, (int)k, (int)d, weights, means.contiguous().data<double>().ToArray(), factors);
    }
}
