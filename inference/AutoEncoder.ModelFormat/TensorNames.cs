namespace AutoEncoder.ModelFormat;

/// <summary>The names of the graphs' inputs and outputs, which consumers such as Triton rely on.</summary>
internal static class TensorNames
{
    /// <summary>The row input of the encoder and the full model.</summary>
    public const string Pixels = "pixels";

    /// <summary>The code: the encoder's output, the decoder's input.</summary>
    public const string Embedding = "embedding";

    /// <summary>A variational encoder's second output: the log-variance of each code value's Gaussian posterior.</summary>
    public const string LogVariance = "log_variance";

    /// <summary>The reconstructed row: the decoder's and the full model's output.</summary>
    public const string Reconstruction = "reconstruction";

    /// <summary>The cluster model's probability of each cluster per row (rows sum to 1).</summary>
    public const string Probabilities = "probabilities";

    /// <summary>The cluster model's most probable cluster per row (int64).</summary>
    public const string Cluster = "cluster";
}
