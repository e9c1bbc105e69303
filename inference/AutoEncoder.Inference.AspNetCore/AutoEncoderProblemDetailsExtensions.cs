using AutoEncoder.Inference.AspNetCore.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace AutoEncoder.Inference.AspNetCore;

/// <summary>Registers the problem+json answers to inputs AutoEncoder.Inference refuses.</summary>
public static class AutoEncoderProblemDetailsExtensions
{
    /// <summary>
    /// Answers an exception thrown by AutoEncoder.Inference (or its Images package) while handling a request with an
    /// RFC 7807 problem, as the sample service does: a refused input (<see cref="ArgumentException"/>: a row of the
    /// wrong length, NaN; <see cref="InvalidDataException"/>: an image that does not decode) is 400 with the library's
    /// message as its detail, an input the model cannot take (<see cref="NotSupportedException"/>: an image sent to
    /// a table model) 422, and a model disposed while the host stops 503. Other exceptions, and the same types
    /// thrown by the app's own code, are left to the next handler (a plain 500 without details). Registers
    /// <c>AddProblemDetails()</c> too; the app calls <c>app.UseExceptionHandler()</c>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddAutoEncoderProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails();
        services.AddExceptionHandler<LibraryExceptionHandler>();
        return services;
    }
}
