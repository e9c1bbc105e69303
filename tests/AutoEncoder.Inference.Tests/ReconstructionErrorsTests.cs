using AutoEncoder.Inference.Internal;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The row errors the detector scores by and the evaluation averages, against hand-computed values.</summary>
public sealed class ReconstructionErrorsTests
{
    [Fact]
    public void Bce_matches_hand_computed_values()
    {
        // −ln 0.5, −ln 0.75, −(0.5 ln 0.5 + 0.5 ln 0.5): (0.693147 + 0.287682 + 0.693147) / 3; float result, 6 digits.
        Assert.Equal(0.5579922, ReconstructionErrors.MeanBce([1f, 0f, 0.5f], [0.5f, 0.25f, 0.5f], default), 6);
    }

    [Fact]
    public void Mse_matches_hand_computed_values()
    {
        // (0.5² + 0.25² + 0²) / 3, exact in float but for the division's rounding.
        Assert.Equal(0.3125 / 3, ReconstructionErrors.MeanSquaredError([1f, 0f, 0.5f], [0.5f, 0.25f, 0.5f], default), 7);
    }

    // The detector does not check a batch's reconstructions when it scores by MSE, only the scores: it relies on
    // this. Of 70 values the vector loops take the first 64 on either lane width and the scalar tail the rest.
    [Theory]
    [InlineData(float.NaN, 3)]
    [InlineData(float.PositiveInfinity, 50)]
    [InlineData(float.NegativeInfinity, 68)]
    public void A_reconstruction_that_is_not_finite_gives_a_squared_error_that_is_not(float bad, int at)
    {
        float[] row = new float[70], reconstruction = new float[70];
        reconstruction[at] = bad;

        Assert.False(float.IsFinite(ReconstructionErrors.MeanSquaredError(row, reconstruction, default)));
    }

    [Fact]
    public void A_saturated_wrong_probability_costs_the_clipped_amount_not_infinity()
    {
        // p = 0 for a target of 1 is clipped to 1e-7: −ln 1e-7 = 16.118096.
        Assert.Equal(16.118096, ReconstructionErrors.MeanBce([1f], [0f], default), 5);
    }

    [Fact]
    public void The_mean_over_rows_weighs_every_row_the_same()
    {
        // Row errors 0.25 and 0: their mean, 0.125.
        Assert.Equal(0.125, ReconstructionErrors.MeanOverRows([1f, 1f, 0f, 0f], [0.5f, 0.5f, 0f, 0f], 2, AnomalyScore.Mse), 9);
    }

    [Fact]
    public void Rows_and_reconstructions_of_different_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ReconstructionErrors.MeanOverRows([1f, 0f], [0.5f], 1, AnomalyScore.Bce));
    }
}
