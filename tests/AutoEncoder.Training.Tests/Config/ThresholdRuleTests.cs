using AutoEncoder.Training.Config;
using Xunit;

namespace AutoEncoder.Training.Tests.Config;

/// <summary>Anomaly thresholds follow NumPy's percentile (linear interpolation) and PyOD's contamination rule.</summary>
public sealed class ThresholdRuleTests
{
    private static readonly double[] Scores = [1, 2, 3, 4];

    [Theory]
    [InlineData("percentile:50", 2.5)]     // numpy.percentile([1, 2, 3, 4], 50)
    [InlineData("percentile:99", 3.97)]    // numpy.percentile([1, 2, 3, 4], 99)
    [InlineData("contamination:0.25", 3.25)] // the 75th percentile: a quarter of normal rows flagged
    [InlineData("max", 4.0)]
    public void Each_rule_picks_its_quantile_of_the_calibration_scores(string rule, double expected)
    {
        Assert.Equal(expected, ThresholdRule.Parse(rule).Apply(Scores), 12);
    }

    [Theory]
    [InlineData("percentile:0")]
    [InlineData("percentile:101")]
    [InlineData("contamination:0.5")]
    [InlineData("contamination:x")]
    [InlineData("median")]
    [InlineData("max:3")]
    public void A_malformed_rule_is_refused_saying_what_is_expected(string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => ThresholdRule.Parse(rule));

        Assert.Equal($"--threshold: expected percentile:P (0 < P ≤ 100), contamination:C (0 < C < 0.5) or max, found '{rule}'", error.Message);
    }

    [Fact]
    public void A_rule_prints_as_it_is_parsed()
    {
        Assert.Equal("percentile:99.5", ThresholdRule.Parse("percentile:99.5").ToString());
        Assert.Equal("max", ThresholdRule.Parse("max").ToString());
    }
}
