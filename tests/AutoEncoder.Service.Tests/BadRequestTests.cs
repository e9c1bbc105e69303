using System.Net;
using AutoEncoder.Service.Tests.Support;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// Every bad request gets a 4xx RFC 7807 problem that names what was expected and found (never a 500), and
/// the service answers the next good request as before.
/// </summary>
public sealed class BadRequestTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient client = service.CreateClient();

    public static TheoryData<string, string, string, int, string> JsonCases => new()
    {
        // path, media type, body, status, part of the detail
        { "/encode", "application/json", "{\"rows\":[[1,2,3]]}", 400, "rows[0]: expected 784 values, found 3" },
        { "/encode", "application/json", "{\"rows\":[]}", 400, "expected at least one row in \"rows\", found an empty list" },
        { "/encode", "application/json", "{}", 400, "expected a field \"rows\"" },
        { "/encode", "application/json", "{\"rows\":[[0.5,", 400, "malformed JSON" },
        { "/encode", "application/json", "{\"rows\":[[NaN]]}", 400, "malformed JSON" },
        { "/encode", "application/json", "{\"rows\":[[\"0.5\"]]}", 400, "malformed JSON" },
        { "/encode", "application/json", "{\"rows\":[[1]],\"extra\":1}", 400, "'extra' could not be mapped" },
        { "/encode", "application/json", "null", 400, "expected a JSON object, found null" },
        { "/encode", "application/json", "{\"rows\":[[1]],\"rows\":[[2]]}", 400, "malformed JSON: Duplicate" },
        { "/encode", "application/json", "", 400, "expected a request body, found none" },
        { "/encode", "text/plain", "hello", 415, "expected application/json, application/octet-stream (float32 rows), image/png or image/jpeg, found 'text/plain" },
        { "/score", "image/png", "x", 415, "expected application/json, application/octet-stream (float32 rows), found 'image/png" },
        { "/decode", "application/json", "{\"embeddings\":[[1,2,3]]}", 400, "embeddings[0]: expected 2 values, found 3" },
        { "/decode", "application/json", "{\"embeddings\":[[1e39,0]]}", 400, "embeddings[0][0]: expected a finite number, found Infinity" },
        { "/decode", "image/png", "x", 415, "expected application/json, found 'image/png" },
        { "/score", "application/json", "{\"rows\":[null]}", 400, "rows[0]: expected 784 values, found null" },
        { "/similar", "application/json", "{\"rows\":[[1,2,3]]}", 400, "rows[0]: expected 784 values, found 3" },
        { "/similar", "application/json", "{\"rows\":[[0]],\"k\":\"3\"}", 400, "malformed JSON" },
        { "/similar", "application/json", "{\"rows\":[[0]],\"k\":0}", 400, "k: expected 1 to 1000, found 0" },
        { "/similar", "application/json", "{\"rows\":[[0]],\"k\":1001}", 400, "k: expected 1 to 1000, found 1001" },
        { "/similar", "text/plain", "x", 415, "expected application/json, image/png or image/jpeg, found 'text/plain" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task A_bad_request_gets_a_problem_naming_it(string path, string mediaType, string body, int status, string detail)
    {
        HttpResponseMessage response = await client.PostAsync(new Uri(path, UriKind.Relative), Requests.Raw(body, mediaType));

        await Requests.AssertProblem(response, status, detail);
    }

    [Fact]
    public async Task A_non_finite_value_is_named_by_row_and_column()
    {
        float[][] rows = Requests.TestRows(0, 2);
        string json = System.Text.Json.JsonSerializer.Serialize(new { rows }).Replace("[0,0,0,", "[0,1e39,0,", StringComparison.Ordinal);

        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Raw(json));

        await Requests.AssertProblem(response, 400, "rows[0][1]: expected a finite number, found Infinity");
    }

    [Fact]
    public async Task Float32_rows_of_the_wrong_length_are_refused()
    {
        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(new byte[784 * 4 + 6], "application/octet-stream"));

        await Requests.AssertProblem(response, 400, "expected float32 rows of 784 values (3136 bytes each), found 3142 bytes, 6 past the last whole row");
    }

    [Fact]
    public async Task A_NaN_in_float32_rows_is_named_by_row_and_value()
    {
        var rows = new float[2 * 784];
        rows[784 + 5] = float.NaN;

        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(Requests.Float32(rows), "application/octet-stream"));

        await Requests.AssertProblem(response, 400, "row 1, value 5: expected a finite number, found NaN");
    }

    [Fact]
    public async Task Bytes_that_are_no_image_are_refused()
    {
        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes("not a png"u8.ToArray(), "image/png"));

        await Requests.AssertProblem(response, 400, "expected a PNG or JPEG image, found data that does not decode as one");
    }

    [Fact]
    public async Task A_truncated_png_is_refused()
    {
        byte[] png = Requests.Png(Requests.TestImage(0), 28, 4, inverted: false);

        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(png[..(png.Length / 2)], "image/png"));

        await Requests.AssertProblem(response, 400, "expected a complete image, found IncompleteInput");
    }

    [Fact]
    public async Task An_image_larger_than_the_limit_is_refused_before_decoding()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(5000, 8, SKColorType.Gray8, SKAlphaType.Opaque));
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(png.ToArray(), "image/png"));

        await Requests.AssertProblem(response, 400, "expected an image of at most 4096x4096 pixels, found 5000x8");
    }

    [Fact]
    public async Task A_body_over_4_MiB_gets_413()
    {
        var body = new byte[(4 << 20) + 1];

        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(body, "application/json"));

        await Requests.AssertProblem(response, 413, "expected a body of at most 4194304 bytes");
    }

    [Fact]
    public async Task A_body_over_the_limit_without_a_length_gets_413()
    {
        // Chunked: no Content-Length to refuse up front, so the limit is enforced while reading.
        var content = new StreamContent(new MemoryStream(new byte[(4 << 20) + 1]));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/encode") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        HttpResponseMessage response = await client.SendAsync(request);

        await Requests.AssertProblem(response, 413, "expected a body of at most 4194304 bytes, found more");
    }

    [Fact]
    public async Task Decoding_without_a_decoder_is_a_problem_naming_the_option()
    {
        using var encoderOnly = new ServiceFactory().With("AutoEncoder:Models", "Encoder");

        HttpResponseMessage response = await encoderOnly.CreateClient().PostAsync(new Uri("/decode", UriKind.Relative), Requests.Raw("{\"embeddings\":[[0,0]]}"));

        await Requests.AssertProblem(response, 501, "expected this service to have a decoder, found none registered (AutoEncoder:Models)");
    }

    [Fact]
    public async Task The_map_without_configured_rows_is_a_problem_naming_the_setting()
    {
        using var noMap = new ServiceFactory().With("Map:Images", "");

        HttpResponseMessage response = await noMap.CreateClient().GetAsync(new Uri("/map", UriKind.Relative));

        await Requests.AssertProblem(response, 404, "no map rows configured (Map:Images)");
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_too()
    {
        HttpResponseMessage response = await client.GetAsync(new Uri("/nothing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_service_keeps_serving_after_bad_requests()
    {
        foreach (string bad in new[] { "{", "{\"rows\":[]}", "[]", "{\"rows\":[[1]]}" })
            Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Raw(bad))).StatusCode);

        HttpResponseMessage good = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Json(new { rows = Requests.TestRows(0, 1) }));

        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }
}
