using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Samples.EncoderService.Map;
using AutoEncoder.Samples.EncoderService.Similar;

namespace AutoEncoder.Samples.EncoderService.Page;

/// <summary><c>GET /</c>: the page (embedded in the assembly), <c>GET /map</c>: the points it draws, and <c>GET /rows/{id}</c>: one of their images.</summary>
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
        // The page draws a neighbour from /similar by its id: the image's bytes (0–255, row-major) and label.
        app.MapGet("/rows/{id:long}", (long id, SimilarItems items) => items.Pixels(id) is { } pixels
            ? TypedResults.Ok(new { id, label = items.Labels[id], pixels = pixels.Select(b => (int)b) })
            : new RequestRejected(StatusCodes.Status404NotFound, "No such row", $"expected a row id from 0 to {items.Labels.Length - 1}, found {id}").ToResult());
    }

    static IResult Embedded(string name, string contentType)
    {
        Stream page = typeof(PageEndpoints).Assembly.GetManifestResourceStream("Page/" + name)
            ?? throw new InvalidOperationException($"the assembly lacks its embedded page file {name}");
        return TypedResults.Stream(page, contentType);
    }
}
