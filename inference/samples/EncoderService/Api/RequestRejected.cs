namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>A request the service refuses: becomes an RFC 7807 problem response with this status, title and detail.</summary>
internal sealed class RequestRejected(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public static RequestRejected BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static RequestRejected TooLarge(string detail, string title = "Request body too large") => new(StatusCodes.Status413PayloadTooLarge, title, detail);

    public static RequestRejected UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public static RequestRejected NotAvailable(string detail) => new(StatusCodes.Status501NotImplemented, "Not available for this model", detail);

    public IResult ToResult() => TypedResults.Problem(Message, statusCode: Status, title: title);

    /// <summary>
    /// An endpoint filter that answers the service's own rejections with their problem responses. What the library
    /// refuses (rows, images) is answered by AutoEncoder.Inference.AspNetCore's exception handler.
    /// </summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RequestRejected rejected)
        {
            return rejected.ToResult();
        }
    }
}
