namespace AutoEncoder.Inference;

/// <summary>How an anomaly score is computed from a row and its reconstruction.</summary>
public enum AnomalyScore
{
    /// <summary>Mean over features of (x − x̂)².</summary>
    Mse,

    /// <summary>Mean over features of −[x·ln x̂ + (1 − x)·ln(1 − x̂)], with x̂ clipped to [1e-7, 1 − 1e-7] (as Keras does).</summary>
    Bce,

    /// <summary>
    /// For images (<c>image_shape</c> in the metadata): the residual x − x̂ of each channel blurred by a 5×5
    /// binomial filter, squared and averaged over the row, divided by √(mean |x| + 0.001). Coherent errors (a
    /// missing stroke) count more than scattered ones, and faint images lose the advantage of their small errors.
    /// </summary>
    Structural,
}
