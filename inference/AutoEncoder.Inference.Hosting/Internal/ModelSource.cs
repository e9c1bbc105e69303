using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>The loaders the registered singletons are built by, reading the validated options of one registration.</summary>
/// <param name="key">The registration's service key (its options' name), or null.</param>
/// <param name="models">Which models the registration holds.</param>
internal sealed class ModelSource(string? key, AutoEncoderModels models)
{
    private static readonly Action<ILogger, string, string, string, string, string, Exception?> Loaded = LoggerMessage.Define<string, string, string, string, string>(
        LogLevel.Information, new EventId(1, "ModelLoaded"),
        "Loaded the {Role} model from {Source} (SHA-256 {Sha256}) on the {Backend} backend, threads: {Threads}");

    private static readonly Action<ILogger, float, Exception?> ThresholdInUse = LoggerMessage.Define<float>(
        LogLevel.Information, new EventId(2, "AnomalyThreshold"), "Anomaly threshold {Threshold}: scores above it are anomalies");

    private static readonly Action<ILogger, Exception?> NoThreshold = LoggerMessage.Define(
        LogLevel.Information, new EventId(3, "NoAnomalyThreshold"), "No anomaly threshold: the detector scores, IsAnomaly is unavailable");

    /// <summary>The key and models of this set, for the warm-up.</summary>
    public ModelRegistration Registration { get; } = new(key, models);

    public Encoder LoadEncoder(IServiceProvider provider) =>
        Load(provider, Encoder.Role, "encoder.onnx", Encoder.Load, Encoder.LoadDefault, encoder => (encoder.Metadata, encoder.Backend));

    public Decoder LoadDecoder(IServiceProvider provider) =>
        Load(provider, Decoder.Role, "decoder.onnx", Decoder.Load, Decoder.LoadDefault, decoder => (decoder.Metadata, decoder.Backend));

    public AnomalyDetector LoadAnomalyDetector(IServiceProvider provider)
    {
        AnomalyDetector detector = Load(provider, AnomalyDetector.Role, "autoencoder.onnx", AnomalyDetector.Load, AnomalyDetector.LoadDefault,
            loaded => (loaded.Metadata, loaded.Backend));
        ILogger logger = LoggerOf(provider);
        if (detector.Threshold is float threshold) ThresholdInUse(logger, threshold, null);
        else NoThreshold(logger, null);
        return detector;
    }

    // Registration refuses a cluster model without a model directory: none is embedded.
    public ClusterModel LoadClusterModel(IServiceProvider provider) =>
        Load(provider, ClusterModel.Role, "cluster.onnx", ClusterModel.Load,
            (_, _) => throw new InvalidOperationException("AutoEncoder:ModelDirectory: expected the folder of cluster.onnx, found none"),
            clusters => (clusters.Metadata, clusters.Backend));

    // Loads one model with the registration's options (validated on first read), from the folder or the
    // embedded models, and logs what was loaded.
    private T Load<T>(IServiceProvider provider, string role, string file, Func<string, InferenceOptions?, T> fromFile,
        Func<PretrainedModel, InferenceOptions?, T> embedded, Func<T, (ModelMetadata Metadata, InferenceBackend Backend)> describe)
    {
        AutoEncoderOptions options = provider.GetRequiredService<IOptionsMonitor<AutoEncoderOptions>>().Get(key ?? Options.DefaultName);
        string? path = PathOf(provider, options, file);
        T model = path is not null ? fromFile(path, options.Inference) : embedded(options.Pretrained, options.Inference);
        (ModelMetadata metadata, InferenceBackend backend) = describe(model);
        Loaded(LoggerOf(provider), role, path ?? $"the embedded {options.Pretrained} model", metadata.Sha256, backend.ToString(),
            options.Inference.IntraOpThreads?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all cores", null);
        return model;
    }

    private ILogger LoggerOf(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>()?.CreateLogger(key is null ? "AutoEncoder.Inference.Hosting" : $"AutoEncoder.Inference.Hosting[{key}]")
        ?? NullLogger.Instance;

    private static string? PathOf(IServiceProvider provider, AutoEncoderOptions options, string file)
    {
        if (string.IsNullOrEmpty(options.ModelDirectory)) return null;
        string root = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
        return Path.Combine(Path.GetFullPath(options.ModelDirectory, root), file);
    }
}
