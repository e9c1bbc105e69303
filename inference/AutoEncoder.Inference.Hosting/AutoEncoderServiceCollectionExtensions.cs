using AutoEncoder.Inference.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AutoEncoder.Inference.Hosting;

/// <summary>Registers AutoEncoder.Inference's models in a host's services.</summary>
public static class AutoEncoderServiceCollectionExtensions
{
    /// <summary>
    /// Registers the models <paramref name="configure"/> chooses as singletons (<see cref="Encoder"/>,
    /// <see cref="Decoder"/>, <see cref="AnomalyDetector"/>: thread-safe, shared by every request) and loads
    /// them when the host starts, so that a missing or invalid model stops the host with the loader's message
    /// instead of failing the first request; each load is logged (source, SHA-256, backend, threshold). The
    /// options are <c>IOptions&lt;AutoEncoderOptions&gt;</c>, validated at start (an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> naming each bad value stops the host);
    /// <c>services.Configure&lt;AutoEncoderOptions&gt;</c> may change them further. The container disposes the models with itself.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options: called now (to learn <see cref="AutoEncoderOptions.Models"/>) and when the options are built.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options name no model.</exception>
    /// <exception cref="InvalidOperationException">The models are already registered.</exception>
    public static IServiceCollection AddAutoEncoder(this IServiceCollection services, Action<AutoEncoderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, null, configure);
    }

    /// <summary>
    /// Registers the models a configuration section describes (keys: the properties of
    /// <see cref="AutoEncoderOptions"/>, e.g. <c>"AutoEncoder": { "ModelDirectory": "models/deep" }</c>), as
    /// <see cref="AddAutoEncoder(IServiceCollection, Action{AutoEncoderOptions})"/> does.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The section, e.g. <c>builder.Configuration.GetSection("AutoEncoder")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The section has a key that is no option, or a value of the wrong type (the message names it); or the models are already registered.</exception>
    /// <exception cref="ArgumentException">The options name no model.</exception>
    public static IServiceCollection AddAutoEncoder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, null, Binding(configuration));
    }

    /// <summary>
    /// As <see cref="AddAutoEncoder(IServiceCollection, Action{AutoEncoderOptions})"/>, as keyed services:
    /// several models side by side in one host (<c>[FromKeyedServices("fraud")] AnomalyDetector detector</c>,
    /// <c>GetRequiredKeyedService&lt;Encoder&gt;("fraud")</c>), each loaded when the host starts.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="key">The service key of this set of models.</param>
    /// <param name="configure">Sets the options; called once, now.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options name no model.</exception>
    /// <exception cref="InvalidOperationException">Models are already registered under <paramref name="key"/>.</exception>
    public static IServiceCollection AddKeyedAutoEncoder(this IServiceCollection services, string key, Action<AutoEncoderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(configure);
        return Register(services, key, configure);
    }

    /// <summary>
    /// As <see cref="AddAutoEncoder(IServiceCollection, IConfiguration)"/>, as keyed services under
    /// <paramref name="key"/> (see <see cref="AddKeyedAutoEncoder(IServiceCollection, string, Action{AutoEncoderOptions})"/>),
    /// e.g. one configuration section per model: <c>builder.Configuration.GetSection("Models:fraud")</c>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="key">The service key of this set of models.</param>
    /// <param name="configuration">The section of its options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The section has a key that is no option, or a value of the wrong type; or models are already registered under <paramref name="key"/>.</exception>
    /// <exception cref="ArgumentException">The options name no model.</exception>
    public static IServiceCollection AddKeyedAutoEncoder(this IServiceCollection services, string key, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(configuration);
        return Register(services, key, Binding(configuration));
    }

    static Action<AutoEncoderOptions> Binding(IConfiguration configuration) => options => ConfigurationErrors.Bind(configuration, options);

    // One set of models, plain (key null) or keyed, with its named options; the warm-up loads every set at start.
    static IServiceCollection Register(IServiceCollection services, string? key, Action<AutoEncoderOptions> configure)
    {
        if (services.Any(service => service.ServiceType == typeof(ModelSource) && Equals(service.ServiceKey, key)))
            throw new InvalidOperationException(key is null
                ? "AddAutoEncoder was already called on these services; expected one registration per host (AddKeyedAutoEncoder registers more)"
                : $"AddKeyedAutoEncoder(\"{key}\") was already called on these services; expected one registration per key");
        // Which models exist is decided now, so the options are built once here for it (a key that is no option
        // or a value of the wrong type fails here too); everything else is read, and validated, at start.
        var probe = new AutoEncoderOptions();
        configure(probe);
        AutoEncoderModels models = probe.Models;
        const AutoEncoderModels known = AutoEncoderModels.All | AutoEncoderModels.ClusterModel;
        if ((models & known) == 0 || (models & ~known) != 0)
            throw new ArgumentException($"AutoEncoder:Models: expected one or more of Encoder, Decoder, AnomalyDetector, ClusterModel, found '{models}'", nameof(configure));
        if (models.HasFlag(AutoEncoderModels.ClusterModel) && string.IsNullOrEmpty(probe.ModelDirectory))
            throw new ArgumentException("AutoEncoder:Models: ClusterModel expected AutoEncoder:ModelDirectory (the folder of cluster.onnx; no cluster model is embedded), found none", nameof(configure));

        services.AddOptions<AutoEncoderOptions>(key ?? Options.DefaultName).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AutoEncoderOptions>, AutoEncoderOptionsValidator>());
        var source = new ModelSource(key, models);
        if (key is null)
        {
            services.AddSingleton(source);
            if (models.HasFlag(AutoEncoderModels.Encoder)) services.AddSingleton(provider => source.LoadEncoder(provider));
            if (models.HasFlag(AutoEncoderModels.Decoder)) services.AddSingleton(provider => source.LoadDecoder(provider));
            if (models.HasFlag(AutoEncoderModels.AnomalyDetector)) services.AddSingleton(provider => source.LoadAnomalyDetector(provider));
            if (models.HasFlag(AutoEncoderModels.ClusterModel)) services.AddSingleton(provider => source.LoadClusterModel(provider));
        }
        else
        {
            services.AddKeyedSingleton(key, source);
            if (models.HasFlag(AutoEncoderModels.Encoder)) services.AddKeyedSingleton(key, (provider, _) => source.LoadEncoder(provider));
            if (models.HasFlag(AutoEncoderModels.Decoder)) services.AddKeyedSingleton(key, (provider, _) => source.LoadDecoder(provider));
            if (models.HasFlag(AutoEncoderModels.AnomalyDetector)) services.AddKeyedSingleton(key, (provider, _) => source.LoadAnomalyDetector(provider));
            if (models.HasFlag(AutoEncoderModels.ClusterModel)) services.AddKeyedSingleton(key, (provider, _) => source.LoadClusterModel(provider));
        }
        // Every set is listed for the warm-up (AddHostedService adds it once, however often it is called).
        services.AddSingleton(source.Registration);
        services.AddHostedService<ModelWarmup>();
        return services;
    }
}
