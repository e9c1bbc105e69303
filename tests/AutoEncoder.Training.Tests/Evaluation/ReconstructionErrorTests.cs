using AutoEncoder.Training.Evaluation;
using Xunit;

namespace AutoEncoder.Training.Tests.Evaluation;

public sealed class ReconstructionErrorTests
{
    [Fact]
    public void Bce_matches_hand_computed_values()
    {
        // −ln 0.5, −ln 0.75, −(0.5 ln 0.5 + 0.5 ln 0.5): (0.693147 + 0.287682 + 0.693147) / 3
        double bce = ReconstructionError.MeanBce([1f, 0f, 0.5f], [0.5f, 0.25f, 0.5f]);

        Assert.Equal(0.5579922, bce, 6);
    }

    [Fact]
    public void Mse_matches_hand_computed_values()
    {
        // (0.5² + 0.25² + 0²) / 3
        Assert.Equal(0.3125 / 3, ReconstructionError.MeanSquaredError([1f, 0f, 0.5f], [0.5f, 0.25f, 0.5f]), 9);
    }

    [Fact]
    public void A_saturated_wrong_probability_costs_the_clipped_amount_not_infinity()
    {
        // p = 0 for a target of 1 is clipped to 1e-7: −ln 1e-7 = 16.118096.
        Assert.Equal(16.118096, ReconstructionError.MeanBce([1f], [0f]), 5);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ReconstructionError.MeanBce([1f, 0f], [0.5f]));
    }
}
