namespace AutoEncoder.ModelFormat;

/// <summary>The values of <see cref="MetadataKeys.AnomalyScore"/>: how a full model's anomaly score is computed.</summary>
internal static class ScoreNames
{
    /// <summary>Mean squared reconstruction error per feature.</summary>
    public const string Mse = "mse";

    /// <summary>Mean binary cross-entropy per feature.</summary>
    public const string Bce = "bce";

    /// <summary>The blurred residual over the square root of the row's ink (images).</summary>
    public const string Structural = "structural";
}
