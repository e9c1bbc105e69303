namespace AutoEncoder.Training.Evaluation;

/// <summary>Per-pixel reconstruction errors of probabilities against targets in [0, 1].</summary>
internal static class ReconstructionError
{
    /// <summary>
    /// Probabilities are clipped to [1e-7, 1 − 1e-7] before the logarithm, as Keras does, because a
    /// float32 sigmoid saturates to exactly 0 or 1.
    /// </summary>
    public const double Clip = 1e-7;

    /// <summary>Mean of −[t·ln p + (1 − t)·ln(1 − p)] over all values.</summary>
    public static double MeanBce(ReadOnlySpan<float> targets, ReadOnlySpan<float> probabilities)
    {
        Check(targets, probabilities);
        double sum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], Clip, 1 - Clip), t = targets[i];
            sum -= t * Math.Log(p) + (1 - t) * Math.Log(1 - p);
        }
        return sum / targets.Length;
    }

    /// <summary>Mean of (t − p)² over all values.</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> targets, ReadOnlySpan<float> probabilities)
    {
        Check(targets, probabilities);
        double sum = 0;
        for (int i = 0; i < targets.Length; i++) sum += (targets[i] - (double)probabilities[i]) * (targets[i] - (double)probabilities[i]);
        return sum / targets.Length;
    }

    private static void Check(ReadOnlySpan<float> targets, ReadOnlySpan<float> probabilities)
    {
        if (targets.Length != probabilities.Length || targets.IsEmpty)
            throw new ArgumentException($"expected equal, non-zero lengths, found {targets.Length} targets and {probabilities.Length} probabilities");
    }
}
