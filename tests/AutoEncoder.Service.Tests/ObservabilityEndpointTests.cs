using System.Net;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Service.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>What a platform reads off the service: the OpenAPI document and the standard health endpoint.</summary>
public sealed class ObservabilityEndpointTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient client = service.CreateClient();

    [Fact]
    public async Task The_openapi_document_lists_every_model_endpoint()
    {
        HttpResponseMessage response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        string[] paths = [.. document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name)];
        Assert.Subset(paths.ToHashSet(), new HashSet<string> { "/encode", "/decode", "/score", "/similar", "/healthz" });
    }

    [Fact]
    public async Task The_health_endpoint_answers_healthy_once_the_models_are_loaded()
    {
        HttpResponseMessage response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_health_check_reports_each_loaded_model_by_its_hash()
    {
        HealthReport report = await service.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        HealthReportEntry models = report.Entries["autoencoder"];
        using Encoder seed = Encoder.LoadDefault();
        Assert.Equal(HealthStatus.Healthy, models.Status);
        Assert.StartsWith($"SHA-256 {seed.Metadata.Sha256}, ", (string)models.Data["encoder"], StringComparison.Ordinal);
        Assert.EndsWith(", no threshold", (string)models.Data["anomaly_detector"], StringComparison.Ordinal);
    }
}
