using AutoEncoder.Training.Evaluation;
using Xunit;

namespace AutoEncoder.Training.Tests.Evaluation;

/// <summary>AUROC and average precision as scikit-learn computes them (roc_auc_score, average_precision_score).</summary>
public sealed class RankingMetricsTests
{
    // scikit-learn's documented example: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8].
    private static readonly float[] Scores = [0.1f, 0.4f, 0.35f, 0.8f];
    private static readonly bool[] Positive = [false, false, true, true];

    [Fact]
    public void Auroc_of_the_scikit_learn_example_is_three_quarters()
    {
        Assert.Equal(0.75, RankingMetrics.Auroc(Scores, Positive), 12);
    }

    [Fact]
    public void Average_precision_of_the_scikit_learn_example_is_five_sixths()
    {
        Assert.Equal(5.0 / 6, RankingMetrics.AveragePrecision(Scores, Positive), 12);
    }

    [Fact]
    public void Perfect_reversed_and_tied_rankings_give_one_zero_and_one_half()
    {
        bool[] positive = [false, false, true, true];

        Assert.Equal(1.0, RankingMetrics.Auroc([0f, 1f, 2f, 3f], positive));
        Assert.Equal(0.0, RankingMetrics.Auroc([3f, 2f, 1f, 0f], positive));
        Assert.Equal(0.5, RankingMetrics.Auroc([1f, 1f, 1f, 1f], positive));
    }

    [Fact]
    public void Precision_and_recall_count_the_rows_strictly_above_the_threshold()
    {
        (double precision, double recall) = RankingMetrics.AtThreshold(Scores, Positive, 0.35);

        Assert.Equal((0.5, 0.5), (precision, recall));
    }

    [Fact]
    public void A_single_class_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => RankingMetrics.Auroc([1f, 2f], [true, true]));

        Assert.Equal("expected both positives and negatives, found 2 positives among 2 rows", error.Message);
    }
}
