using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>
/// Loads every registered model when the host starts. Hosted services start before the server accepts
/// requests, so an exception here (the loader's own: file, role, shape) stops the host before it serves.
/// </summary>
internal sealed class ModelWarmup(IServiceProvider services, ModelSource source) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (source.Models.HasFlag(AutoEncoderModels.Encoder)) services.GetRequiredService<Encoder>();
        if (source.Models.HasFlag(AutoEncoderModels.Decoder)) services.GetRequiredService<Decoder>();
        if (source.Models.HasFlag(AutoEncoderModels.AnomalyDetector)) services.GetRequiredService<AnomalyDetector>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
