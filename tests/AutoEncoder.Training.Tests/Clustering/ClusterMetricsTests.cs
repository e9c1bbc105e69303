using System.Globalization;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Clustering;
using Xunit;

namespace AutoEncoder.Training.Tests.Clustering;

/// <summary>
/// Accuracy, NMI and ARI against scikit-learn's own figures for the same assignments (Debian's python3-sklearn,
/// installed by `make tools`, hence Slow; accuracy through SciPy's linear_sum_assignment on the contingency table, as DEC's
/// code computes it). Both sides sum in doubles: agreement to 1e-12 leaves room only for summation order.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterMetricsTests : IDisposable
{
    private const double Tolerance = 1e-12;
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>scikit-learn's (accuracy, NMI, ARI) of <paramref name="clusters"/> against <paramref name="labels"/>.</summary>
    private (double Accuracy, double Nmi, double Ari) ScikitLearn(int[] clusters, int[] labels)
    {
        string script = folder.File("metrics.py");
        File.WriteAllText(script, """
            import sys, numpy as np
            from scipy.optimize import linear_sum_assignment
            from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
            from sklearn.metrics.cluster import contingency_matrix
            c = np.array(sys.argv[1].split(','), dtype=int); l = np.array(sys.argv[2].split(','), dtype=int)
            table = contingency_matrix(c, l)
            rows, cols = linear_sum_assignment(-table)
            print(repr(table[rows, cols].sum() / len(c)), repr(normalized_mutual_info_score(l, c)), repr(adjusted_rand_score(l, c)))
            """);
        (int code, string output) = ExternalProcess.Run("/usr/bin/python3", null, script, string.Join(',', clusters), string.Join(',', labels));
        Assert.True(code == 0, output);
        double[] figures = [.. output.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        return (figures[0], figures[1], figures[2]);
    }

    private void AssertSameAsScikitLearn(int[] clusters, int[] labels)
    {
        ClusterMetrics.Scores ours = ClusterMetrics.Compute(clusters, labels);
        (double accuracy, double nmi, double ari) = ScikitLearn(clusters, labels);

        Assert.Equal(accuracy, ours.Accuracy, Tolerance);
        Assert.Equal(nmi, ours.Nmi, Tolerance);
        Assert.Equal(ari, ours.Ari, Tolerance);
    }

    private static int[] Draw(int count, int values, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(values))];
    }

    /// <summary>Labels, and clusters that mostly follow them (a noisy relabelling) with <paramref name="clusterCount"/> clusters.</summary>
    private static (int[] Clusters, int[] Labels) NoisyCase(int clusterCount, int seed)
    {
        int[] labels = Draw(2000, 10, seed);
        var random = new Random(seed + 1);
        int[] clusters = [.. labels.Select(l => random.NextDouble() < 0.7 ? (l * 3 + 1) % clusterCount : random.Next(clusterCount))];
        return (clusters, labels);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(7)]
    [InlineData(13)]
    public void Accuracy_nmi_and_ari_equal_scikit_learns_figures(int clusterCount)
    {
        (int[] clusters, int[] labels) = NoisyCase(clusterCount, clusterCount);

        AssertSameAsScikitLearn(clusters, labels);
    }

    [Fact]
    public void Unrelated_assignments_score_near_zero_as_in_scikit_learn()
    {
        int[] clusters = Draw(3000, 10, 1), labels = Draw(3000, 10, 2);

        AssertSameAsScikitLearn(clusters, labels);
    }

    [Fact]
    public void Renamed_clusters_score_one_on_every_measure()
    {
        int[] labels = Draw(500, 10, 3);
        int[] clusters = [.. labels.Select(l => (l + 4) % 10)];

        ClusterMetrics.Scores scores = ClusterMetrics.Compute(clusters, labels);

        Assert.Equal((1.0, 1.0, 1.0), (scores.Accuracy, scores.Nmi, Math.Round(scores.Ari, 12)));
    }

    [Fact]
    public void Labels_of_another_length_are_refused_with_both_counts()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterMetrics.Compute([0, 1, 1], [0, 1]));

        Assert.Contains("2 labels for 3 rows", error.Message);
    }
}
