using AutoEncoder.Training.Clustering;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Clustering;

/// <summary>k-means and the Gaussian mixture on codes whose groups are known.</summary>
public sealed class ClusterFitTests
{
    /// <summary>
    /// <paramref name="groups"/> Gaussian blobs of 200 codes in 3-D, centres 10 apart and spread 1 (elongated
    /// along one axis by <paramref name="stretch"/>), with each code's group.
    /// </summary>
    private static (Tensor Codes, int[] Groups) Blobs(int groups, int seed, double stretch = 1)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var values = new List<float>();
        var labels = new List<int>();
        for (int g = 0; g < groups; g++)
            for (int i = 0; i < 200; i++)
            {
                values.AddRange([(float)(10 * g + stretch * Normal()), (float)(10 * (g % 2) + Normal()), (float)Normal()]);
                labels.Add(g);
            }
        return (tensor(values.ToArray(), [groups * 200, 3]), [.. labels]);
    }

    [Fact]
    public void K_means_recovers_separated_groups()
    {
        (Tensor codes, int[] groups) = Blobs(4, 1);
        using (codes)
        {
            KMeansFit.Result fit = KMeansFit.Fit(codes, 4, seed: 0, restarts: 3);

            Assert.Equal(1.0, ClusterMetrics.Compute(fit.Assigned, groups).Accuracy);
        }
    }

    [Fact]
    public void K_means_is_the_same_for_the_same_seed()
    {
        (Tensor codes, _) = Blobs(5, 2);
        using (codes)
        {
            KMeansFit.Result first = KMeansFit.Fit(codes, 5, seed: 7, restarts: 2), second = KMeansFit.Fit(codes, 5, seed: 7, restarts: 2);

            Assert.Equal(first.Centroids, second.Centroids);
            Assert.Equal(first.Assigned, second.Assigned);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(801)]
    public void K_out_of_range_is_refused_naming_the_range(int clusters)
    {
        (Tensor codes, _) = Blobs(4, 3);
        using (codes)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => KMeansFit.Fit(codes, clusters, 0, 1));

            Assert.Contains("expected 2 to 800 clusters", error.Message);
        }
    }

    [Fact]
    public void Mixture_probabilities_sum_to_one_and_recover_stretched_groups()
    {
        // Groups stretched to spread 3 along x (centres 10 apart): full covariances model them.
        (Tensor codes, int[] groups) = Blobs(3, 4, stretch: 3);
        using (codes)
        {
            KMeansFit.Result start = KMeansFit.Fit(codes, 3, 0, 3);
            MixtureFit.Result fit = MixtureFit.Fit(codes, start.Assigned, 3);
            (float[] probabilities, int[] assigned) = fit.Mixture.Assign(codes);

            // float32 probabilities of 3 clusters: each row's sum is 1 to within a few ulps.
            for (int row = 0; row < groups.Length; row++) Assert.Equal(1, probabilities.AsSpan(row * 3, 3).ToArray().Sum(), 1e-6);
            Assert.True(fit.Converged);
            Assert.InRange(ClusterMetrics.Compute(assigned, groups).Accuracy, 0.99, 1);
        }
    }

    [Fact]
    public void A_cluster_of_identical_codes_stays_finite_through_the_regularised_covariance()
    {
        // 100 copies of one code and 100 spread codes: the copies' covariance is zero but for reg_covar.
        var random = new Random(5);
        float[] values = [.. Enumerable.Repeat(new[] { 5f, 5f }, 100).SelectMany(v => v),
                          .. Enumerable.Range(0, 200).Select(_ => (float)random.NextDouble() * 2 - 20)];
        using Tensor codes = tensor(values, [200, 2]);

        MixtureFit.Result fit = MixtureFit.Fit(codes, [.. Enumerable.Range(0, 200).Select(i => i < 100 ? 0 : 1)], 2);
        (float[] probabilities, int[] assigned) = fit.Mixture.Assign(codes);

        Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
        Assert.True(double.IsFinite(fit.MeanLogLikelihood));
        Assert.Equal(1.0, ClusterMetrics.Compute(assigned, [.. Enumerable.Range(0, 200).Select(i => i < 100 ? 0 : 1)]).Accuracy);
    }

    [Fact]
    public void K_means_as_components_assigns_every_code_to_its_nearest_centroid()
    {
        (Tensor codes, _) = Blobs(4, 6);
        using (codes)
        {
            KMeansFit.Result fit = KMeansFit.Fit(codes, 4, 0, 2);
            var components = GaussianClusters.FromCentroids(fit.Centroids, 4, 3, fit.Inertia / (800 * 3));

            Assert.Equal(fit.Assigned, components.Assign(codes).Assigned);
        }
    }
}
