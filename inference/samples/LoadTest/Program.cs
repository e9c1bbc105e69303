// Load test for the encoder service (`make load` starts the service, then runs this): for each batch size,
// encodes the same MNIST batches in-process with EncodeBatch, then posts them to /encode from N clients,
// and prints one Markdown row each — requests/s, rows/s, latency percentiles, errors, and the service's
// resident memory before and after — for BENCHMARKS.md.
using System.CommandLine;
using System.Globalization;
using AutoEncoder.Inference;
using AutoEncoder.Samples.LoadTest;
using AutoEncoder.Training.Data;

var url = new Option<string>("--url") { Description = "The running service", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
var models = new Option<string?>("--models") { Description = "The service's model folder, for the in-process comparison (embedded models when absent)" };
var images = new Option<string>("--images") { Description = "IDX images to send", DefaultValueFactory = _ => "data/mnist/t10k-images-idx3-ubyte" };
var clients = new Option<int>("--clients") { Description = "Concurrent clients", DefaultValueFactory = _ => 8 };
var seconds = new Option<int>("--seconds") { Description = "Measured seconds per batch size", DefaultValueFactory = _ => 30 };
var batches = new Option<string>("--batches") { Description = "Rows per request, comma-separated", DefaultValueFactory = _ => "1,256" };
var formats = new Option<string>("--formats") { Description = "Request bodies, comma-separated: json and/or float32 (application/octet-stream)", DefaultValueFactory = _ => "json,float32" };
var pid = new Option<int?>("--pid") { Description = "The service's process id, to report its resident memory" };
var command = new RootCommand("Load-test the encoder service's /encode beside EncodeBatch in-process") { url, models, images, clients, seconds, batches, formats, pid };
command.SetAction(async (result, cancellation) =>
{
    try
    {
        int clientCount = result.GetValue(clients), duration = result.GetValue(seconds);
        if (clientCount < 1 || duration < 1) throw new ArgumentException($"expected --clients and --seconds of at least 1, found {clientCount} and {duration}");
        int[] sizes = result.GetValue(batches)!.Split(',').Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out int n) && n > 0 ? n
            : throw new ArgumentException($"--batches: expected positive integers separated by commas, found '{s}'")).ToArray();
        string[] bodies = result.GetValue(formats)!.Split(',');
        if (bodies.Any(f => f is not ("json" or "float32")))
            throw new ArgumentException($"--formats: expected json and/or float32, found '{result.GetValue(formats)}'");
        byte[] pixels = IdxReader.Read(result.GetValue(images)!, 3).Data;
        using Encoder encoder = result.GetValue(models) is string folder ? Encoder.Load(Path.Combine(folder, "encoder.onnx")) : Encoder.LoadDefault();
        var service = new Uri(result.GetValue(url)!);
        int? servicePid = result.GetValue(pid);

        Console.WriteLine("| rows/request | body | clients | requests/s | rows/s | p50 (ms) | p99 (ms) | errors | service RSS before → after (MiB) | EncodeBatch in-process (rows/s) | JSON parse alone (rows/s) | service ÷ in-process |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (int size in sizes)
        foreach (string body in bodies)
        {
            var work = Workload.Create(pixels, encoder.InputSize, size, body == "float32");
            Console.Error.WriteLine($"batch {size} {body}: in-process for {Math.Min(duration, 10)} s …");
            double inProcess = InProcessRun.RowsPerSecond(encoder, work, clientCount, TimeSpan.FromSeconds(Math.Min(duration, 10)));
            double parse = InProcessRun.JsonRowsPerSecond(work, clientCount, TimeSpan.FromSeconds(Math.Min(duration, 10)));
            Console.Error.WriteLine($"batch {size} {body}: warming up the service for 3 s …");
            await HttpRun.RunAsync(service, work, clientCount, TimeSpan.FromSeconds(3));
            double before = ResidentMiB(servicePid);
            Console.Error.WriteLine($"batch {size} {body}: {clientCount} clients for {duration} s …");
            HttpResult run = await HttpRun.RunAsync(service, work, clientCount, TimeSpan.FromSeconds(duration));
            double after = ResidentMiB(servicePid);
            double requestsPerSecond = run.Requests / run.Seconds, rowsPerSecond = requestsPerSecond * size;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {size} | {body} | {clientCount} | {requestsPerSecond:N0} | {rowsPerSecond:N0} | {run.P50Milliseconds:F2} | {run.P99Milliseconds:F2} | {run.Errors} | {before:F0} → {after:F0} | {inProcess:N0} | {(double.IsNaN(parse) ? "–" : parse.ToString("N0", CultureInfo.InvariantCulture))} | {rowsPerSecond / inProcess:F2} |"));
            if (run.FirstError is string error) Console.Error.WriteLine($"first error: {error}");
        }
        return 0;
    }
    catch (Exception failure) when (failure is ArgumentException or IOException or InvalidDataException or HttpRequestException)
    {
        Console.Error.WriteLine($"error: {failure.Message}");
        return 1;
    }
});
return await command.Parse(args).InvokeAsync();

// VmRSS of /proc/<pid>/status, in MiB; NaN without a pid.
static double ResidentMiB(int? pid)
{
    if (pid is not int id) return double.NaN;
    string line = File.ReadLines($"/proc/{id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}
