using System.Diagnostics;
using System.Text.Json;
using AutoEncoder.Inference;

namespace AutoEncoder.Samples.LoadTest;

/// <summary>The same batches through <see cref="Encoder.EncodeBatch(ReadOnlySpan{float}, Span{float})"/> on as many threads as the service has clients: the ceiling the service is compared with.</summary>
internal static class InProcessRun
{
    public static double RowsPerSecond(Encoder encoder, Workload work, int clients, TimeSpan duration)
    {
        var codes = new ThreadLocal<float[]>(() => new float[work.Batch * encoder.EmbeddingSize]);
        return Measure(work, clients, duration, i => encoder.EncodeBatch(work.Flat[i], codes.Value!));
    }

    /// <summary>Only reading the JSON request bodies into rows, as the service does before encoding (numbers to floats).</summary>
    public static double JsonRowsPerSecond(Workload work, int clients, TimeSpan duration) =>
        work.MediaType == "application/json" ? Measure(work, clients, duration, i => JsonSerializer.Deserialize<RowsBody>(work.Bodies[i], Json)) : double.NaN;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    sealed record RowsBody(float[][] Rows);

    static double Measure(Workload work, int clients, TimeSpan duration, Action<int> batch)
    {
        long rows = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, clients, new ParallelOptions { MaxDegreeOfParallelism = clients }, client =>
        {
            long done = 0;
            for (int i = client; clock.Elapsed < duration; i++)
            {
                batch(i % work.Flat.Length);
                done += work.Batch;
            }
            Interlocked.Add(ref rows, done);
        });
        return rows / clock.Elapsed.TotalSeconds;
    }
}
