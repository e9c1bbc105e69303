using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>Checked options, and the loaders the registered singletons are built by.</summary>
internal sealed class ModelSource
{
    private readonly AutoEncoderOptions options;

    public ModelSource(AutoEncoderOptions options, string? key)
    {
        if ((options.Models & AutoEncoderModels.All) == 0 || (options.Models & ~AutoEncoderModels.All) != 0)
            throw new ArgumentException($"AutoEncoder:Models: expected one or more of Encoder, Decoder, AnomalyDetector, found '{options.Models}'", nameof(options));
        InferenceOptions inference = options.Inference ?? throw new ArgumentException("AutoEncoder:Inference: expected options, found null", nameof(options));
        if (inference.IntraOpThreads is < 1 or > InferenceOptions.MaxIntraOpThreads)
            throw new ArgumentException($"AutoEncoder:Inference:IntraOpThreads: expected 1 to {InferenceOptions.MaxIntraOpThreads}, found {inference.IntraOpThreads}", nameof(options));
        if (inference.AnomalyThreshold is float threshold && !(float.IsFinite(threshold) && threshold >= 0))
            throw new ArgumentException($"AutoEncoder:Inference:AnomalyThreshold: expected a finite value ≥ 0, found {threshold}", nameof(options));
        if (!Enum.IsDefined(inference.Backend))
            throw new ArgumentException($"AutoEncoder:Inference:Backend: expected Auto, OnnxRuntime or Managed, found {inference.Backend}", nameof(options));
        this.options = options;
        Registration = new ModelRegistration(key, options.Models);
    }

    /// <summary>The key and models of this set, for the warm-up.</summary>
    public ModelRegistration Registration { get; }

    public Encoder LoadEncoder(IServiceProvider provider) =>
        PathOf(provider, "encoder.onnx") is string path ? Encoder.Load(path, Inference) : Encoder.LoadDefault(Inference);

    public Decoder LoadDecoder(IServiceProvider provider) =>
        PathOf(provider, "decoder.onnx") is string path ? Decoder.Load(path, Inference) : Decoder.LoadDefault(Inference);

    public AnomalyDetector LoadAnomalyDetector(IServiceProvider provider)
    {
        return PathOf(provider, "autoencoder.onnx") is string path
            ? AnomalyDetector.Load(path, Inference)
            : AnomalyDetector.LoadDefault(Inference);
    }

    // The library reads its options once, at load, so one object serves every model.
    InferenceOptions Inference => options.Inference;

    string? PathOf(IServiceProvider provider, string file)
    {
        if (string.IsNullOrEmpty(options.ModelDirectory)) return null;
        string root = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
        return Path.Combine(Path.GetFullPath(options.ModelDirectory, root), file);
    }
}
