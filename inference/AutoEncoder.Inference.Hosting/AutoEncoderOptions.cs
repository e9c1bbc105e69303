namespace AutoEncoder.Inference.Hosting;

/// <summary>
/// Where a host's models come from and how they run. Bound from configuration by
/// <see cref="AutoEncoderServiceCollectionExtensions.AddAutoEncoder(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>
/// (every property has a configuration key of the same name, and <see cref="Inference"/> a section of
/// <see cref="InferenceOptions"/>' keys but its <see cref="InferenceOptions.ConfigureSession"/>), or set in code.
/// </summary>
public sealed class AutoEncoderOptions
{
    /// <summary>
    /// A folder as <c>autoencoder export</c> writes it (<c>encoder.onnx</c>, <c>decoder.onnx</c>,
    /// <c>autoencoder.onnx</c>); a relative path is resolved against the host's content root. Null or empty
    /// (the default): the MNIST models embedded in AutoEncoder.Inference.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Which models to register; <see cref="AutoEncoderModels.All"/> by default. A folder without a decoder (a UMAP encoder) registers <see cref="AutoEncoderModels.Encoder"/> only.</summary>
    public AutoEncoderModels Models { get; set; } = AutoEncoderModels.All;

    /// <summary>
    /// How every model runs: backend, threads, ONNX Runtime's session and the anomaly threshold, as the
    /// library's own <see cref="InferenceOptions"/> (configuration section <c>AutoEncoder:Inference</c>).
    /// </summary>
    public InferenceOptions Inference { get; set; } = new();
}
