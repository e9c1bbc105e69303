namespace AutoEncoder.Inference.Hosting;

/// <summary>
/// Where a host's models come from and how they run: an options class (<c>IOptions&lt;AutoEncoderOptions&gt;</c>,
/// named by the service key of a keyed registration) validated when the host starts. Bound from configuration by
/// <see cref="AutoEncoderServiceCollectionExtensions.AddAutoEncoder(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>
/// (every property has a configuration key of the same name, and <see cref="Inference"/> a section of
/// <see cref="InferenceOptions"/>' keys but its <see cref="InferenceOptions.ConfigureSession"/>), or set in code.
/// </summary>
public sealed class AutoEncoderOptions
{
    /// <summary>
    /// A folder as <c>autoencoder export</c> writes it (<c>encoder.onnx</c>, <c>decoder.onnx</c>,
    /// <c>autoencoder.onnx</c>); a relative path is resolved against the host's content root. Null or empty
    /// (the default): the MNIST models embedded in AutoEncoder.Inference, as <see cref="Pretrained"/> picks.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// Without <see cref="ModelDirectory"/>: which embedded MNIST model to serve (<see cref="PretrainedModel.Seed"/>
    /// by default; <see cref="PretrainedModel.Umap"/> is an encoder only, so set <see cref="Models"/> to
    /// <see cref="AutoEncoderModels.Encoder"/> with it, and <see cref="PretrainedModel.Vae"/> has no full model: set
    /// <see cref="AutoEncoderModels.Encoder"/> | <see cref="AutoEncoderModels.Decoder"/>).
    /// </summary>
    public PretrainedModel Pretrained { get; set; } = PretrainedModel.Seed;

    /// <summary>
    /// Which models to register; <see cref="AutoEncoderModels.All"/> by default. Read when the models are
    /// registered (it decides which services exist), unlike the other options, which are read at start.
    /// </summary>
    public AutoEncoderModels Models { get; set; } = AutoEncoderModels.All;

    /// <summary>
    /// How every model runs: backend, threads, ONNX Runtime's session and the anomaly threshold, as the
    /// library's own <see cref="InferenceOptions"/> (configuration section <c>AutoEncoder:Inference</c>).
    /// </summary>
    public InferenceOptions Inference { get; set; } = new();
}
