using AutoEncoder.Inference.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AutoEncoder.Inference.Hosting;

/// <summary>Registers AutoEncoder.Inference's models in a host's services.</summary>
public static class AutoEncoderServiceCollectionExtensions
{
    /// <summary>
    /// Registers the models <paramref name="configure"/> chooses as singletons (<see cref="Encoder"/>,
    /// <see cref="Decoder"/>, <see cref="AnomalyDetector"/>: thread-safe, shared by every request) and loads
    /// them when the host starts, so that a missing or invalid model stops the host with the loader's message
    /// instead of failing the first request. The container disposes them with itself.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options; called once, now.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options name no model, a thread count below 1, or a NaN, infinite or negative threshold.</exception>
    /// <exception cref="InvalidOperationException">The models are already registered.</exception>
    public static IServiceCollection AddAutoEncoder(this IServiceCollection services, Action<AutoEncoderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AutoEncoderOptions();
        configure(options);
        return Register(services, options);
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
    /// <exception cref="ArgumentException">The options name no model, a thread count below 1, or a NaN, infinite or negative threshold.</exception>
    public static IServiceCollection AddAutoEncoder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new AutoEncoderOptions();
        // A misspelt key would otherwise be ignored silently and the embedded model served instead.
        configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return Register(services, options);
    }

    static IServiceCollection Register(IServiceCollection services, AutoEncoderOptions options)
    {
        if (services.Any(service => service.ServiceType == typeof(ModelSource)))
            throw new InvalidOperationException("AddAutoEncoder was already called on these services; expected one registration per host");
        var source = new ModelSource(options);
        services.AddSingleton(source);
        if (options.Models.HasFlag(AutoEncoderModels.Encoder))
            services.AddSingleton(provider => source.LoadEncoder(provider));
        if (options.Models.HasFlag(AutoEncoderModels.Decoder))
            services.AddSingleton(provider => source.LoadDecoder(provider));
        if (options.Models.HasFlag(AutoEncoderModels.AnomalyDetector))
            services.AddSingleton(provider => source.LoadAnomalyDetector(provider));
        services.AddHostedService<ModelWarmup>();
        return services;
    }
}
