using System.Diagnostics;
using System.Diagnostics.Metrics;
using AutoEncoder.Inference;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The "AutoEncoder.Inference" meter and activity source, observed as OpenTelemetry would: through a
/// <see cref="MeterListener"/> and an <see cref="ActivityListener"/>. Measurements from other tests running at
/// the same time arrive too, so each test counts only what its own thread recorded.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly List<(string Instrument, double Value, string? Operation)> measured = [];
    private readonly int thread = Environment.CurrentManagedThreadId;

    public TelemetryTests()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AutoEncoder.Inference") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Environment.CurrentManagedThreadId != thread) return;
        string? operation = null;
        foreach (KeyValuePair<string, object?> tag in tags) if (tag.Key == "autoencoder.operation") operation = tag.Value as string;
        lock (measured) measured.Add((instrument.Name, value, operation));
    }

    public void Dispose() => listener.Dispose();

    [Fact]
    public void A_batch_counts_its_rows_and_records_one_duration()
    {
        using Encoder encoder = Encoder.LoadDefault();

        encoder.EncodeBatch(new float[5 * 784]);

        Assert.Equal([("autoencoder.rows", 5.0, "encode")], measured.Where(m => m.Instrument == "autoencoder.rows"));
        var duration = Assert.Single(measured, m => m.Instrument == "autoencoder.operation.duration");
        Assert.Equal("encode", duration.Operation);
        Assert.InRange(duration.Value, 0, 60);
    }

    [Fact]
    public void Rows_above_the_threshold_are_counted_as_anomalies()
    {
        // A threshold of 0 flags every row with any error at all: the 3 rows of zeros reconstruct to non-zero values.
        using AnomalyDetector detector = AnomalyDetector.LoadDefault(new InferenceOptions { AnomalyThreshold = 0 });

        detector.ScoreBatch(new float[3 * 784]);
        detector.Score(new float[784]);

        Assert.Equal(4.0, measured.Where(m => m.Instrument == "autoencoder.anomalies").Sum(m => m.Value));
        Assert.Equal(4.0, measured.Where(m => m.Instrument == "autoencoder.rows" && m.Operation == "score").Sum(m => m.Value));
    }

    [Fact]
    public void A_refused_call_records_nothing()
    {
        using Encoder encoder = Encoder.LoadDefault();

        Assert.Throws<ArgumentException>(() => encoder.Encode(new float[3]));

        Assert.Empty(measured);
    }

    [Fact]
    public void Each_call_is_an_activity_named_by_its_operation()
    {
        var activities = new List<Activity>();
        using var activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "AutoEncoder.Inference",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Environment.CurrentManagedThreadId == thread) lock (activities) activities.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(activityListener);
        using Decoder decoder = Decoder.LoadDefault();

        decoder.DecodeBatch(new float[2 * 2]);

        Activity activity = Assert.Single(activities);
        Assert.Equal("decode", activity.OperationName);
        Assert.Equal(ActivityStatusCode.Ok, activity.Status);
        Assert.Equal(2, activity.GetTagItem("autoencoder.rows"));
    }
}
