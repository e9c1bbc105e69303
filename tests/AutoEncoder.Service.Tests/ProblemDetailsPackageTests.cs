using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Inference.AspNetCore;
using AutoEncoder.Inference.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// A plain minimal API, not the sample, with AddAutoEncoder and AddAutoEncoderProblemDetails: what the library
/// refuses answers 400 problem+json with the library's message; the app's own exceptions stay 500 without details.
/// </summary>
public sealed class ProblemDetailsPackageTests : IAsyncLifetime
{
    private WebApplication app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAutoEncoder(options => options.Models = AutoEncoderModels.Encoder);
        builder.Services.AddAutoEncoderProblemDetails();
        app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/encode", (float[] row, Encoder encoder) => encoder.Encode(row));
        app.MapGet("/bug", string () => throw new ArgumentException("the app's own bug"));
        await app.StartAsync();
        client = app.GetTestClient();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_row_of_the_wrong_length_is_400_problem_json_with_the_libraryʼs_message()
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/encode", new[] { 1f, 2f, 3f });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("expected a row of 784 values, found 3", problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_valid_row_is_encoded()
    {
        HttpResponseMessage response = await client.PostAsJsonAsync("/encode", new float[784]);
        float[]? code = await response.Content.ReadFromJsonAsync<float[]>();

        using Encoder encoder = Encoder.LoadDefault();
        Assert.Equal(encoder.Encode(new float[784]), code);
    }

    [Fact]
    public async Task The_same_exception_type_from_the_appʼs_own_code_stays_a_500_without_details()
    {
        HttpResponseMessage response = await client.GetAsync(new Uri("/bug", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("the app's own bug", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ArgumentException", body, StringComparison.Ordinal);
    }
}
