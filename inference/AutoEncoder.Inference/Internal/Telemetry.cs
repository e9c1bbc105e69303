using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The library's metrics and traces under the name <see cref="Name"/>, which OpenTelemetry (or a
/// <see cref="MeterListener"/>, or <c>dotnet-counters</c>) subscribes to by that name: rows run per operation,
/// anomalies flagged, the duration of each call, and one activity per call. Nothing is measured while nobody
/// listens: each call then costs a few flag checks.
/// </summary>
internal static class Telemetry
{
    /// <summary>The meter's and the activity source's name.</summary>
    public const string Name = "AutoEncoder.Inference";

    /// <summary>Operation names, the value of the <c>autoencoder.operation</c> tag.</summary>
    public const string Encode = "encode", Decode = "decode", Score = "score", Cluster = "cluster", Reconstruct = "reconstruct";

    private const string OperationTag = "autoencoder.operation";

    private static readonly string? Version = typeof(Telemetry).Assembly.GetName().Version?.ToString();
    private static readonly Meter Meter = new(Name, Version);
    private static readonly ActivitySource Source = new(Name, Version);
    private static readonly Counter<long> Rows = Meter.CreateCounter<long>("autoencoder.rows", "{row}", "Rows a model ran on, by operation (encode, decode, score, cluster)");
    private static readonly Counter<long> Anomalies = Meter.CreateCounter<long>("autoencoder.anomalies", "{row}", "Rows scored above the detector's anomaly threshold");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("autoencoder.operation.duration", "s", "Duration of one call, a row or a batch, by operation");

    /// <summary>Whether anything counts anomalies (so that a batch's scores are compared with the threshold only then).</summary>
    public static bool CountsAnomalies => Anomalies.Enabled;

    /// <summary>Starts measuring one call of <paramref name="operation"/> on <paramref name="rows"/> rows.</summary>
    public static Measurement Start(string operation, int rows) =>
        new(operation, rows, Duration.Enabled ? Stopwatch.GetTimestamp() : 0, Source.StartActivity(operation));

    /// <summary>One call being measured: <see cref="Succeeded"/> records it; disposing ends its activity either way.</summary>
    internal readonly struct Measurement(string operation, int rows, long started, Activity? activity) : IDisposable
    {
        /// <summary>Records the call as done, with <paramref name="anomalies"/> rows above the threshold.</summary>
        public void Succeeded(int anomalies = 0)
        {
            var tag = new KeyValuePair<string, object?>(OperationTag, operation);
            if (started != 0) Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
            if (Rows.Enabled) Rows.Add(rows, tag);
            if (anomalies > 0) Anomalies.Add(anomalies);
            if (activity is null) return;
            activity.SetTag("autoencoder.rows", rows);
            activity.SetStatus(ActivityStatusCode.Ok);
        }

        /// <inheritdoc />
        public void Dispose() => activity?.Dispose();
    }
}
