using AutoEncoder.Inference;
using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary><c>POST /cluster</c> with the committed cluster model (<c>models/cluster</c>, registered as "Encoder, ClusterModel").</summary>
public sealed class ClusterEndpointTests : IDisposable
{
    private static readonly string Folder = Path.Combine(Repository.ModelsFolder, "cluster");
    private readonly ServiceFactory service = new ServiceFactory().With("AutoEncoder:ModelDirectory", Folder).With("AutoEncoder:Models", "Encoder, ClusterModel");

    public void Dispose() => service.Dispose();

    [Fact]
    public async Task Cluster_returns_the_libraryʼs_clusters_and_probabilities()
    {
        float[][] rows = Requests.TestRows(0, 6);
        using ClusterModel clusters = ClusterModel.Load(Path.Combine(Folder, "cluster.onnx"));
        float[] flat = [.. rows.SelectMany(r => r)];

        HttpResponseMessage response = await service.CreateClient().PostAsync(new Uri("/cluster", UriKind.Relative), Requests.Json(new { rows }));
        response.EnsureSuccessStatusCode();
        var answer = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ClustersResponse>(response.Content))!;

        // The same model on the same backend: equal floats, not close ones.
        Assert.Equal(clusters.AssignBatch(flat), answer.Clusters);
        Assert.Equal(Matrix.Split(clusters.ProbabilitiesBatch(flat), clusters.ClusterCount), answer.Probabilities);
    }

    [Fact]
    public async Task A_row_of_the_wrong_length_is_a_problem_naming_both_lengths()
    {
        HttpResponseMessage response = await service.CreateClient().PostAsync(new Uri("/cluster", UriKind.Relative), Requests.Json(new { rows = new[] { new float[3] } }));

        await Requests.AssertProblem(response, 400, "rows[0]: expected 784 values, found 3");
    }

    [Fact]
    public async Task Without_a_cluster_model_the_endpoint_answers_501()
    {
        using var plain = new ServiceFactory();

        HttpResponseMessage response = await plain.CreateClient().PostAsync(new Uri("/cluster", UriKind.Relative), Requests.Json(new { rows = Requests.TestRows(0, 1) }));

        await Requests.AssertProblem(response, 501, "expected this service to have a cluster model (cluster.onnx; AutoEncoder:Models with ClusterModel), found none registered (AutoEncoder:Models)");
    }
}
