namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>The service's own limits (configuration section "Service").</summary>
internal sealed class ServiceOptions
{
    /// <summary>The largest request body accepted, in bytes (4 MiB: 256 MNIST rows as JSON take about 1 MB).</summary>
    public int MaxBodyBytes { get; set; } = 4 << 20;
}
