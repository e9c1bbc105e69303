using System.Net;
using System.Net.Sockets;
using System.Text;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// What a request may cost is bounded by the request: rows per request (so a small body of codes cannot
/// ask for gigabytes of decoded JSON), outputs that JSON can carry, and Kestrel's own refusals of a body;
/// each answered with a 4xx problem, never a 500. Settings are checked when the service starts.
/// </summary>
public sealed class LimitTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient client = service.CreateClient();

    private static string Codes(int count) =>
        "{\"embeddings\":[" + string.Join(",", Enumerable.Repeat("[0.5,-0.5]", count)) + "]}";

    [Fact]
    public async Task Decoding_more_codes_than_the_row_limit_gets_413_naming_the_setting()
    {
        // 300,000 such codes once took 1.8 MB to send and 2.77 GB of JSON to answer.
        HttpResponseMessage response = await client.PostAsync(new Uri("/decode", UriKind.Relative), Requests.Raw(Codes(1025)));

        await Requests.AssertProblem(response, 413, "expected at most 1024 embeddings per request (Service:MaxRows), found 1025");
    }

    [Fact]
    public async Task Decoding_as_many_codes_as_the_limit_is_answered()
    {
        HttpResponseMessage response = await client.PostAsync(new Uri("/decode", UriKind.Relative), Requests.Raw(Codes(1024)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_row_limit_holds_for_float32_rows_and_is_a_setting()
    {
        using var small = new ServiceFactory().With("Service:MaxRows", "3");

        HttpResponseMessage response = await small.CreateClient().PostAsync(new Uri("/encode", UriKind.Relative),
            Requests.Bytes(Requests.Float32(new float[4 * 784]), "application/octet-stream"));

        await Requests.AssertProblem(response, 413, "expected at most 3 rows per request (Service:MaxRows), found 4");
    }

    [Theory]
    [InlineData("/decode", "{\"embeddings\":[[3e38,-3e38]]}", "row 0: expected values the model can compute in float32")]
    [InlineData("/score", "{\"rows\":[[1e30" + ",0" + "]]}", "row 0: expected values the model can compute in float32")]
    public async Task An_output_beyond_float32_is_a_400_naming_the_row_not_a_500(string path, string body, string detail)
    {
        // The score row: 1e30 then 783 zeros.
        body = body.Replace(",0]", string.Concat(Enumerable.Repeat(",0", 783)) + "]", StringComparison.Ordinal);
        using var deep = new ServiceFactory().With("AutoEncoder:ModelDirectory", Path.Combine(Repository.ModelsFolder, "deep"));

        HttpResponseMessage response = await deep.CreateClient().PostAsync(new Uri(path, UriKind.Relative), Requests.Raw(body));

        await Requests.AssertProblem(response, 400, detail);
    }

    [Fact]
    public async Task Malformed_chunked_framing_is_a_400_not_a_500()
    {
        using var server = new RunningService();
        string head = "POST /encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

        string answer = await server.SendRawAsync(head + "zz\r\n{}\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_trickled_below_kestrels_minimum_rate_is_a_408_not_a_500()
    {
        using var server = new RunningService();
        // Kestrel's default minimum: 240 bytes/s once a 5 s grace period is over. One byte a second stays below it.
        string head = "POST /encode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";

        string answer = await server.TrickleAsync(head, TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Service:MaxBodyBytes", "abc", "Service:MaxBodyBytes")]
    [InlineData("Service:MaxRows", "0", "MaxRows")]
    public void A_bad_setting_stops_the_service_at_start_with_one_line_naming_it(string key, string value, string named)
    {
        (int code, string output) = ExternalProcess.Run("dotnet", Repository.Root, [ServiceProgram.Dll, $"--{key}={value}", "--urls=http://127.0.0.1:0"]);

        Assert.Equal(1, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    /// <summary>The service as its own process on a loopback port, for what only a real socket can send.</summary>
    private sealed class RunningService : IDisposable
    {
        private readonly System.Diagnostics.Process process;
        private readonly int port;

        public RunningService()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [ServiceProgram.Dll, $"--urls=http://127.0.0.1:{port}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            for (int attempt = 0; attempt < 200; attempt++)
            {
                try
                {
                    using var probe = new TcpClient("127.0.0.1", port);
                    return;
                }
                catch (SocketException)
                {
                    Thread.Sleep(100);
                }
            }
            throw new InvalidOperationException($"the service did not listen on port {port} within 20 s");
        }

        public async Task<string> SendRawAsync(string request)
        {
            using var socket = new TcpClient("127.0.0.1", port);
            NetworkStream stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            var buffer = new byte[4096];
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
            return Encoding.ASCII.GetString(buffer, 0, read);
        }

        /// <summary>Sends <paramref name="head"/>, then one body byte a second until the service answers or <paramref name="limit"/> passes.</summary>
        public async Task<string> TrickleAsync(string head, TimeSpan limit)
        {
            using var socket = new TcpClient("127.0.0.1", port);
            NetworkStream stream = socket.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < limit)
            {
                if (stream.DataAvailable)
                {
                    var buffer = new byte[4096];
                    int read = await stream.ReadAsync(buffer);
                    return Encoding.ASCII.GetString(buffer, 0, read);
                }
                try
                {
                    await stream.WriteAsync("["u8.ToArray());
                }
                catch (IOException)
                {
                    // The service may close its side once it has answered; the answer is still to be read.
                }
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            return "";
        }

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
