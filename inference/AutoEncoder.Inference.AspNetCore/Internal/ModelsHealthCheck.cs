using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutoEncoder.Inference.AspNetCore.Internal;

/// <summary>Resolves the registered models (loading them if the warm-up has not) and describes each.</summary>
internal sealed class ModelsHealthCheck(IServiceProvider services, string? key) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>();
        try
        {
            if (Resolve<Encoder>() is { } encoder) data["encoder"] = Describe(encoder.Metadata, encoder.Backend);
            if (Resolve<Decoder>() is { } decoder) data["decoder"] = Describe(decoder.Metadata, decoder.Backend);
            if (Resolve<AnomalyDetector>() is { } detector)
                data["anomaly_detector"] = Describe(detector.Metadata, detector.Backend) + (detector.Threshold is float t ? $", threshold {t}" : ", no threshold");
            if (Resolve<ClusterModel>() is { } clusters) data["cluster_model"] = Describe(clusters.Metadata, clusters.Backend) + $", {clusters.ClusterCount} clusters";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message.Split('\n', 2)[0].Trim()));
        }
        return Task.FromResult(data.Count == 0
            ? HealthCheckResult.Unhealthy(key is null ? "expected models registered by AddAutoEncoder, found none" : $"expected models registered by AddKeyedAutoEncoder(\"{key}\"), found none")
            : HealthCheckResult.Healthy($"{data.Count} model(s) loaded", data));
    }

    private T? Resolve<T>() where T : class => key is null ? services.GetService<T>() : services.GetKeyedService<T>(key);

    private static string Describe(ModelMetadata metadata, InferenceBackend backend) => $"SHA-256 {metadata.Sha256}, {backend} backend";
}
