using AutoEncoder.Inference.AspNetCore.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutoEncoder.Inference.AspNetCore;

/// <summary>Adds the registered models to a host's health checks.</summary>
public static class AutoEncoderHealthCheckExtensions
{
    /// <summary>
    /// A health check that is healthy when every model <c>AddAutoEncoder</c> (or <c>AddKeyedAutoEncoder</c> under
    /// <paramref name="key"/>) registered is loaded, and reports each one's role, SHA-256, backend and
    /// threshold as data; unhealthy, with the loader's message, when one cannot load.
    /// </summary>
    /// <param name="builder">The health checks, from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="key">The service key of a keyed registration; null for <c>AddAutoEncoder</c>'s.</param>
    /// <param name="name">The check's name; "autoencoder" (or "autoencoder-{key}") by default.</param>
    /// <param name="tags">Tags to filter the check by (e.g. "ready").</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static IHealthChecksBuilder AddAutoEncoder(this IHealthChecksBuilder builder, string? key = null, string? name = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? (key is null ? "autoencoder" : $"autoencoder-{key}"),
            services => new ModelsHealthCheck(services, key),
            failureStatus: HealthStatus.Unhealthy,
            tags));
    }
}
