using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Hosting;

/// <summary>
/// Where a host's models come from and how they run. Bound from configuration by
/// <see cref="AutoEncoderServiceCollectionExtensions.AddAutoEncoder(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>
/// (every property but <see cref="ConfigureSession"/> has a configuration key of the same name), or set in code.
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

    /// <summary>What computes the rows (<see cref="InferenceOptions.Backend"/>).</summary>
    public InferenceBackend Backend { get; set; } = InferenceBackend.Auto;

    /// <summary>Most threads one call may use (<see cref="InferenceOptions.IntraOpThreads"/>); null for the library's default.</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>Overrides the anomaly threshold calibrated into <c>autoencoder.onnx</c>; null keeps the model's own (if any).</summary>
    public float? AnomalyThreshold { get; set; }

    /// <summary>Configures every ONNX Runtime session (<see cref="InferenceOptions.ConfigureSession"/>); code only.</summary>
    public Action<SessionOptions>? ConfigureSession { get; set; }
}
