using AutoEncoder.Inference;
using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary><c>POST /sample</c> with the committed variational model (<c>models/vae</c>) and <c>POST /reconstruct</c> with the seed model.</summary>
public sealed class GenerativeEndpointTests : IDisposable
{
    private static readonly string Folder = Path.Combine(Repository.ModelsFolder, "vae");
    private readonly ServiceFactory vae = new ServiceFactory().With("AutoEncoder:ModelDirectory", Folder).With("AutoEncoder:Models", "Encoder, Decoder");
    private readonly ServiceFactory seed = new();

    public void Dispose()
    {
        vae.Dispose();
        seed.Dispose();
    }

    private static async Task<RowsResponse> Rows(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<RowsResponse>(response.Content))!;
    }

    [Fact]
    public async Task Sample_returns_the_libraryʼs_rows_for_the_seed()
    {
        using Decoder decoder = Decoder.Load(Path.Combine(Folder, "decoder.onnx"));

        RowsResponse answer = await Rows(await vae.CreateClient().PostAsync(new Uri("/sample", UriKind.Relative), Requests.Json(new { count = 3, seed = 11 })));

        // The same model on the same backend and the same draws: equal floats.
        Assert.Equal(Matrix.Split(decoder.Sample(3, 11), decoder.OutputSize), answer.Rows);
    }

    [Fact]
    public async Task Sample_from_a_plain_decoder_answers_501()
    {
        HttpResponseMessage response = await seed.CreateClient().PostAsync(new Uri("/sample", UriKind.Relative), Requests.Json(new { count = 1 }));

        await Requests.AssertProblem(response, 501, "expected a variational model's decoder, whose prior codes are drawn from, found a plain autoencoder's");
    }

    [Fact]
    public async Task Sample_refuses_a_count_out_of_range()
    {
        HttpResponseMessage response = await vae.CreateClient().PostAsync(new Uri("/sample", UriKind.Relative), Requests.Json(new { count = 0 }));

        await Requests.AssertProblem(response, 400, "count: expected 1 to 1024, found 0");
    }

    [Fact]
    public async Task Reconstruct_returns_the_full_modelʼs_reconstructions()
    {
        float[][] rows = Requests.TestRows(0, 2);
        using AnomalyDetector model = AnomalyDetector.LoadDefault();

        RowsResponse answer = await Rows(await seed.CreateClient().PostAsync(new Uri("/reconstruct", UriKind.Relative), Requests.Json(new { rows })));

        Assert.Equal(Matrix.Split(model.ReconstructBatch([.. rows.SelectMany(r => r)]), model.InputSize), answer.Rows);
    }
}
