// The encoder as a web service: JSON and image endpoints over AutoEncoder.Inference's shared models,
// RFC 7807 problems for every bad request, the nearest labelled rows to a query (/similar), and a page that
// shows the 2-D map and encodes what you draw.
using AutoEncoder.Inference;
using AutoEncoder.Inference.AspNetCore;
using AutoEncoder.Inference.Hosting;
using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Samples.EncoderService.Map;
using AutoEncoder.Samples.EncoderService.Page;
using AutoEncoder.Samples.EncoderService.Similar;
using Microsoft.Extensions.Options;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "5000"}");
// Settings come from the command line and environment (no appsettings file: the content root is wherever
// the service is started from, so that relative model and data paths read as a shell user means them).
// ASP.NET Core logs every request at Information: too costly under load, so warnings only.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
// A failure to start (a bad setting, a port in use) is reported below as one line; the host's own log of it
// would repeat it with a stack trace.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

builder.Services.AddAutoEncoder(builder.Configuration.GetSection("AutoEncoder"));
builder.Services.AddOptions<ServiceOptions>().Bind(builder.Configuration.GetSection("Service")).ValidateDataAnnotations().ValidateOnStart();
builder.Services.Configure<MapOptions>(builder.Configuration.GetSection("Map"));
// The labelled rows are read once; the map and /similar both use them.
builder.Services.AddSingleton(services => LabelledRows.Read(
    services.GetRequiredService<IOptions<MapOptions>>().Value, services.GetRequiredService<Encoder>().InputSize, builder.Environment.ContentRootPath));
builder.Services.AddSingleton(services => LatentMap.Build(services.GetRequiredService<Encoder>(), services.GetRequiredService<LabelledRows>()));
builder.Services.AddSingleton(services => SimilarItems.Build(services.GetRequiredService<Encoder>(), services.GetRequiredService<LabelledRows>(),
    services.GetRequiredService<IOptions<MapOptions>>().Value.Index is { Length: > 0 } index ? Path.Combine(builder.Environment.ContentRootPath, index) : null));
// What the library refuses (a row of the wrong length, NaN, an image that does not decode) answers 400
// problem+json through the package's exception handler; the service's own refusals through its endpoint filter.
builder.Services.AddAutoEncoderProblemDetails();
builder.Services.AddHealthChecks().AddAutoEncoder();
builder.Services.AddOpenApi();

WebApplication app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapHealthChecks("/health");

// The page asks whether a decoder is served: a map encoder (UMAP) has none, and the page then hides the decoder's panel.
app.MapGet("/healthz", (Encoder encoder, IServiceProvider services) =>
    TypedResults.Ok(new { status = "ready", backend = encoder.Backend.ToString(), decoder = services.GetService<Decoder>() is not null }));
app.MapModelEndpoints();
app.MapPage();

try
{
    // The service's settings first (reading them validates them), so that a bad one is the only line printed;
    // then the map's codes and the index before the first request: a missing or mismatched data file stops
    // startup, as a bad model does.
    _ = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
    app.Services.GetRequiredService<LatentMap>();
    app.Services.GetRequiredService<SimilarItems>();
    app.Run();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InvalidOperationException or IOException or InvalidDataException
                              or UnauthorizedAccessException or NotSupportedException or ArgumentException)
{
    // A setting of the wrong type or out of range, a model or data file that cannot be used, a port in use:
    // one line naming it, not a stack trace.
    Console.Error.WriteLine($"error: {StartupError.Describe(e)}");
    return 1;
}

/// <summary>The service's entry point (public for the in-process tests).</summary>
public partial class Program;
