using System.Net;
using System.Net.Http.Json;
using AutoEncoder.Inference;
using AutoEncoder.Inference.Images;
using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// Each endpoint against the library called directly on the same embedded models. Same model, same
/// backend and same rows give the same floats, and JSON carries floats in round-trip form, so the
/// answers must be equal, not close.
/// </summary>
public sealed class EndpointTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient client = service.CreateClient();

    [Fact]
    public async Task Health_is_ready_once_the_models_are_loaded()
    {
        HttpResponseMessage response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ready\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encode_returns_the_libraryʼs_codes_for_json_rows()
    {
        float[][] rows = Requests.TestRows(0, 5);
        using Encoder encoder = Encoder.LoadDefault();

        var answer = await Post<EmbeddingsResponse>("/encode", Requests.Json(new { rows }));

        Assert.Equal(Matrix.Split(encoder.EncodeBatch(rows.SelectMany(r => r).ToArray()), 2), answer.Embeddings);
    }

    [Fact]
    public async Task Encode_reads_float32_rows_as_it_reads_json_rows()
    {
        float[][] rows = Requests.TestRows(20, 3);

        var fromJson = await Post<EmbeddingsResponse>("/encode", Requests.Json(new { rows }));
        var fromBinary = await Post<EmbeddingsResponse>("/encode", Requests.Bytes(Requests.Float32(rows.SelectMany(r => r).ToArray()), "application/octet-stream"));

        Assert.Equal(fromJson.Embeddings, fromBinary.Embeddings);
    }

    [Fact]
    public async Task Encode_answers_float32_codes_to_a_client_that_accepts_them()
    {
        float[] rows = Requests.TestRows(20, 3).SelectMany(r => r).ToArray();
        using Encoder encoder = Encoder.LoadDefault();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/encode", UriKind.Relative))
        {
            Content = Requests.Bytes(Requests.Float32(rows), "application/octet-stream"),
        };
        request.Headers.Accept.ParseAdd("application/octet-stream");

        HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Requests.Float32(encoder.EncodeBatch(rows)), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Encode_answers_json_to_float32_rows_without_that_accept()
    {
        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative),
            Requests.Bytes(Requests.Float32(Requests.TestRows(20, 1)[0]), "application/octet-stream"));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Encode_reads_a_png_as_the_digit_it_shows()
    {
        byte[] png = Requests.Png(Requests.TestImage(0), side: 28, zoom: 5, inverted: true);
        using Encoder encoder = Encoder.LoadDefault();

        var answer = await Post<EmbeddingsResponse>("/encode", Requests.Bytes(png, "image/png"));

        Assert.Equal([encoder.EncodeImage(png)], answer.Embeddings);
    }

    [Fact]
    public async Task Encode_reads_a_jpeg_photo_of_dark_ink_on_light_paper_as_the_same_digit()
    {
        byte[] pixels = Requests.TestImage(3);
        byte[] jpeg = Requests.Jpeg(pixels, side: 28, zoom: 8, inverted: true);
        using Encoder encoder = Encoder.LoadDefault();

        var answer = await Post<EmbeddingsResponse>("/encode", Requests.Bytes(jpeg, "image/jpeg"));

        // JPEG blurs and rings; after inversion, cropping and re-centring the code must still be the
        // digit's: within 15% of the map's extent along the code's axes is far inside its class cluster.
        float[] direct = encoder.Encode(pixels);
        float[][] map = Matrix.Split(encoder.EncodeBatch(Requests.TestRows(0, 1000).SelectMany(r => r).ToArray()), 2);
        for (int axis = 0; axis < 2; axis++)
        {
            float extent = map.Max(p => p[axis]) - map.Min(p => p[axis]);
            Assert.InRange(Math.Abs(answer.Embeddings[0][axis] - direct[axis]), 0, 0.15 * extent);
        }
    }

    [Fact]
    public async Task Decode_returns_the_libraryʼs_images()
    {
        float[][] embeddings = [[0f, 0f], [1.5f, -2f]];
        using Decoder decoder = Decoder.LoadDefault();

        var answer = await Post<RowsResponse>("/decode", Requests.Json(new { embeddings }));

        Assert.Equal(Matrix.Split(decoder.DecodeBatch(embeddings.SelectMany(e => e).ToArray()), 784), answer.Rows);
    }

    [Fact]
    public async Task Score_returns_the_libraryʼs_scores_and_no_flags_without_a_threshold()
    {
        float[][] rows = Requests.TestRows(10, 4);
        using AnomalyDetector detector = AnomalyDetector.LoadDefault();

        var answer = await Post<ScoresResponse>("/score", Requests.Json(new { rows }));

        Assert.Equal(detector.ScoreBatch(rows.SelectMany(r => r).ToArray()), answer.Scores);
        Assert.Null(answer.Anomalies);
        Assert.Null(answer.Threshold);
    }

    [Fact]
    public async Task Similar_returns_the_libraryʼs_nearest_test_rows_with_their_labels()
    {
        float[][] rows = Requests.TestRows(3, 2);
        using Encoder encoder = Encoder.LoadDefault();
        var index = EmbeddingIndex.Create(encoder);
        index.AddRows([.. Enumerable.Range(0, 10_000).Select(id => (long)id)], [.. Enumerable.Range(0, 10_000).SelectMany(Requests.TestImage)]);

        var answer = await Post<SimilarResponse>("/similar", Requests.Json(new { rows, k = 7 }));

        for (int q = 0; q < rows.Length; q++)
            Assert.Equal(index.SearchRow(rows[q], 7).Select(n => new NeighborResult(n.Id, n.Distance, Requests.TestLabels[n.Id])), answer.Neighbors[q]);
        // Test row 3 is itself indexed: its own nearest row, at distance 0.
        Assert.Equal(new NeighborResult(3, 0, Requests.TestLabels[3]), answer.Neighbors[0][0]);
    }

    [Fact]
    public async Task Similar_searches_a_configured_index_file_instead_of_indexing_the_rows()
    {
        using var folder = new TempFolder();
        using Encoder encoder = Encoder.LoadDefault();
        // A partitioned index of the first 2,000 test rows: the service must answer from it, not from all 10,000.
        var index = EmbeddingIndex.Create(encoder);
        index.AddRows([.. Enumerable.Range(0, 2_000).Select(id => (long)id)], [.. Enumerable.Range(0, 2_000).SelectMany(Requests.TestImage)]);
        index.Partition(seed: 0);
        index.Save(folder.File("test.index"));
        using var fromFile = new ServiceFactory().With("Map:Index", folder.File("test.index"));
        float[][] rows = Requests.TestRows(2_500, 1);

        HttpResponseMessage response = await fromFile.CreateClient().PostAsync(new Uri("/similar", UriKind.Relative), Requests.Json(new { rows, k = 5 }));

        var answer = (await response.Content.ReadFromJsonAsync<SimilarResponse>())!;
        Assert.Equal(index.SearchRow(rows[0], 5).Select(n => new NeighborResult(n.Id, n.Distance, Requests.TestLabels[n.Id])), answer.Neighbors[0]);
    }

    [Fact]
    public async Task Map_holds_every_test_row_with_its_label_and_code()
    {
        using Encoder encoder = Encoder.LoadDefault();

        var map = (await client.GetFromJsonAsync<MapAnswer>(new Uri("/map", UriKind.Relative)))!;

        Assert.Equal(Requests.TestLabels.Select(label => (int)label), map.Labels);
        Assert.Equal(10_000, map.Points.Length);
        Assert.Equal(encoder.Encode(Requests.TestImage(9_999)), map.Points[9_999]);
    }

    [Fact]
    public async Task Page_and_its_script_are_served()
    {
        string page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        HttpResponseMessage script = await client.GetAsync(new Uri("/app.js", UriKind.Relative));

        Assert.Contains("<canvas id=\"map\"", page, StringComparison.Ordinal);
        Assert.Contains("<canvas id=\"draw\"", page, StringComparison.Ordinal);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    private async Task<T> Post<T>(string path, HttpContent body)
    {
        HttpResponseMessage response = await client.PostAsync(new Uri(path, UriKind.Relative), body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    private sealed record MapAnswer(float[][] Points, int[] Labels);
}
