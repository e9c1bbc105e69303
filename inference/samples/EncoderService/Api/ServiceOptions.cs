using System.ComponentModel.DataAnnotations;

namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>
/// The service's own limits (configuration section "Service"), checked when the service starts: a value
/// out of range or of the wrong type stops it with one line naming the key.
/// </summary>
internal sealed class ServiceOptions
{
    /// <summary>The largest request body accepted, in bytes (4 MiB: 256 MNIST rows as JSON take about 1 MB).</summary>
    [Range(1, int.MaxValue)]
    public int MaxBodyBytes { get; set; } = 4 << 20;

    /// <summary>
    /// The most rows (or codes) one request may send. It bounds the answer as the body limit bounds the
    /// request: a 2-float code decodes to 784 values, so 1.8 MB of codes once asked for 2.8 GB of JSON.
    /// 1,024 codes decoded by the embedded seed decoder answered 8.6 MB of JSON (measured 2026-12-04).
    /// </summary>
    [Range(1, 1 << 20)]
    public int MaxRows { get; set; } = 1024;
}
