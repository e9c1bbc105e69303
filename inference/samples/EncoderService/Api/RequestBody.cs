using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>Reads a request body within the service's size limit, and parses JSON bodies strictly.</summary>
internal static class RequestBody
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Numbers only as numbers, and no field the contract does not name: a typo is an error, not an empty request.
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // {"rows": [...], "rows": [...]} is ambiguous: which did the client mean?
        AllowDuplicateProperties = false,
    };

    /// <summary>The request's media type without parameters, lower case ("" when absent).</summary>
    public static string MediaType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type) ? type.MediaType.Value?.ToLowerInvariant() ?? "" : "";

    /// <summary>The whole body; 413 beyond <paramref name="limit"/> bytes (declared or read), 400 when empty.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            throw RequestRejected.TooLarge($"expected a body of at most {limit} bytes, found Content-Length {request.ContentLength}");
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > limit)
                    throw RequestRejected.TooLarge($"expected a body of at most {limit} bytes, found more");
                body.Write(buffer, 0, read);
            }
        }
        catch (BadHttpRequestException kestrel)
        {
            // Kestrel's own refusals of the body (malformed chunked framing 400, a body trickled below the
            // minimum data rate 408): the client's doing, answered as such rather than as a 500.
            throw new RequestRejected(kestrel.StatusCode, "Bad request body", kestrel.Message);
        }
        if (body.Length == 0) throw RequestRejected.BadRequest("expected a request body, found none");
        return body.ToArray();
    }

    /// <summary>Parses <paramref name="body"/> as <typeparamref name="T"/>; 400 naming the position of the first error.</summary>
    public static T ParseJson<T>(byte[] body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw RequestRejected.BadRequest("expected a JSON object, found null");
        }
        catch (JsonException malformed)
        {
            throw RequestRejected.BadRequest($"malformed JSON: {malformed.Message}");
        }
    }
}
