using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AutoEncoder.Inference.AspNetCore.Internal;

/// <summary>Turns the library's refusals into problem responses; see <see cref="AutoEncoderProblemDetailsExtensions.AddAutoEncoderProblemDetails"/>.</summary>
internal sealed class LibraryExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!ThrownByTheLibrary(exception) || context.Response.HasStarted) return false;
        (int status, string title) = exception switch
        {
            ObjectDisposedException => (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
            ArgumentException or InvalidDataException => (StatusCodes.Status400BadRequest, "Bad request"),
            NotSupportedException => (StatusCodes.Status422UnprocessableEntity, "Not supported by this model"),
            _ => (0, ""),
        };
        if (status == 0) return false;
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            // The library's messages name the input and what was expected and found, never a .NET type.
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = Detail(exception) },
        });
    }

    // The method that threw lives in one of the library's assemblies: the same types from the app's own code
    // are its bugs, not the client's mistakes.
    private static bool ThrownByTheLibrary(Exception exception) =>
        exception.TargetSite?.Module.Assembly.GetName().Name is { } name &&
        (name.StartsWith("AutoEncoder.Inference", StringComparison.Ordinal) || name == "AutoEncoder.ModelFormat");

    // The message alone: an argument exception appends " (Parameter 'row')", a C# name the client never sent.
    private static string Detail(Exception exception)
    {
        string message = exception.Message.Split('\n', 2)[0].Trim();
        string suffix = exception is ArgumentException { ParamName: { } name } ? $" (Parameter '{name}')" : "";
        return suffix.Length > 0 && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
