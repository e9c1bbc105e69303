using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Samples.EncoderService.Map;

namespace AutoEncoder.Samples.EncoderService.Page;

/// <summary><c>GET /</c>: the page (embedded in the assembly), and <c>GET /map</c>: the points it draws.</summary>
internal static class PageEndpoints
{
    public static void MapPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Embedded("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Embedded("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/style.css", () => Embedded("style.css", "text/css; charset=utf-8"));
        app.MapGet("/map", (LatentMap map) => map.Unavailable is string reason
            ? new RequestRejected(StatusCodes.Status404NotFound, "No map", reason).ToResult()
            : TypedResults.Ok(new { points = map.Points, labels = map.Labels }));
    }

    static IResult Embedded(string name, string contentType)
    {
        Stream page = typeof(PageEndpoints).Assembly.GetManifestResourceStream("Page/" + name)
            ?? throw new InvalidOperationException($"the assembly lacks its embedded page file {name}");
        return TypedResults.Stream(page, contentType);
    }
}
