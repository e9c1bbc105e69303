using System.Diagnostics;
using System.Net.Http.Headers;

namespace AutoEncoder.Samples.LoadTest;

/// <summary>What a closed-loop HTTP run measured: every client sends its next request when the last one is answered.</summary>
internal sealed record HttpResult(long Requests, long Errors, double Seconds, double P50Milliseconds, double P99Milliseconds, string? FirstError);

/// <summary>N clients, each on its own connection, posting pre-serialised <c>/encode</c> bodies for a fixed time.</summary>
internal static class HttpRun
{
    public static async Task<HttpResult> RunAsync(Uri service, Workload work, int clients, TimeSpan duration)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = service, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[clients];
        long errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async id =>
        {
            var mine = latencies[id] = new List<double>(1 << 16);
            for (int i = id; clock.Elapsed < duration; i++)
            {
                long start = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(work.Bodies[i % work.Bodies.Length]);
                    content.Headers.ContentType = new MediaTypeHeaderValue(work.MediaType);
                    using HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), content);
                    byte[] answer = await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode || answer.Length == 0)
                        throw new HttpRequestException($"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}");
                }
                catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, failure.Message, null);
                }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        double[] all = latencies.SelectMany(list => list).Order().ToArray();
        return new(all.Length, errors, seconds, Percentile(all, 0.50), Percentile(all, 0.99), firstError);
    }

    static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
}
