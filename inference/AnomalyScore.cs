namespace AutoEncoder.Inference;

/// <summary>How an anomaly score is computed from a row and its reconstruction.</summary>
public enum AnomalyScore
{
    /// <summary>Mean over features of (x − x̂)².</summary>
    Mse,

    /// <summary>Mean over features of −[x·ln x̂ + (1 − x)·ln(1 − x̂)], with x̂ clipped to [1e-7, 1 − 1e-7] (as Keras does).</summary>
    Bce,
}
