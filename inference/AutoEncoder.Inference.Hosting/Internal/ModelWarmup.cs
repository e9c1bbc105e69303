using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>
/// Loads every registered model when the host starts. Hosted services start before the server accepts
/// requests, so an exception here (the loader's own: file, role, shape) stops the host before it serves.
/// </summary>
internal sealed class ModelWarmup(IServiceProvider services, IEnumerable<ModelRegistration> registrations) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (ModelRegistration registration in registrations)
        {
            if (registration.Models.HasFlag(AutoEncoderModels.Encoder)) Resolve<Encoder>(registration.Key);
            if (registration.Models.HasFlag(AutoEncoderModels.Decoder)) Resolve<Decoder>(registration.Key);
            if (registration.Models.HasFlag(AutoEncoderModels.AnomalyDetector)) Resolve<AnomalyDetector>(registration.Key);
            if (registration.Models.HasFlag(AutoEncoderModels.ClusterModel)) Resolve<ClusterModel>(registration.Key);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Resolve<T>(string? key) where T : notnull
    {
        if (key is null) services.GetRequiredService<T>();
        else services.GetRequiredKeyedService<T>(key);
    }
}
