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

    /// <summary>An endpoint filter that answers a rejection, or an argument the model refused, with its problem response.</summary>
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
        catch (Exception refused) when (refused is ArgumentException or InvalidDataException)
        {
            // The library validates every input too (rows, images); what it refuses is the client's mistake, not the server's.
            return BadRequest(refused.Message).ToResult();
        }
        catch (NotSupportedException unsupported)
        {
            // An image sent to a model of table rows.
            return NotAvailable(unsupported.Message).ToResult();
        }
    }
}
