using AutoEncoder.Inference;
using AutoEncoder.Inference.Hosting;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary><c>AddAutoEncoder</c> in a generic host: what it registers, from where, and how it fails.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task Models_are_singletons_loaded_when_the_host_starts()
    {
        using IHost host = Host(services => services.AddAutoEncoder(_ => { }));
        await host.StartAsync();

        Assert.Same(host.Services.GetRequiredService<Encoder>(), host.Services.GetRequiredService<Encoder>());
        Assert.NotNull(host.Services.GetRequiredService<Decoder>());
        Assert.NotNull(host.Services.GetRequiredService<AnomalyDetector>());
    }

    [Fact]
    public async Task Only_the_models_asked_for_are_registered()
    {
        using IHost host = Host(services => services.AddAutoEncoder(options => options.Models = AutoEncoderModels.Encoder));
        await host.StartAsync();

        Assert.NotNull(host.Services.GetService<Encoder>());
        Assert.Null(host.Services.GetService<Decoder>());
        Assert.Null(host.Services.GetService<AnomalyDetector>());
    }

    [Fact]
    public async Task A_relative_model_folder_is_read_from_the_content_root()
    {
        using IHost host = Host(services => services.AddAutoEncoder(Configuration(("ModelDirectory", "models/deep"), ("Models", "Encoder, Decoder"))));
        await host.StartAsync();

        using Encoder deep = Encoder.Load(Path.Combine(Repository.ModelsFolder, "deep", "encoder.onnx"));
        Assert.Equal(deep.Metadata.TrainingConfiguration, host.Services.GetRequiredService<Encoder>().Metadata.TrainingConfiguration);
    }

    [Fact]
    public async Task Keyed_registrations_serve_different_models_side_by_side()
    {
        using IHost host = Host(services => services
            .AddKeyedAutoEncoder("digits", _ => { })
            .AddKeyedAutoEncoder("deep", Configuration(("ModelDirectory", "models/deep"), ("Models", "Encoder"))));
        await host.StartAsync();

        Encoder digits = host.Services.GetRequiredKeyedService<Encoder>("digits"), deep = host.Services.GetRequiredKeyedService<Encoder>("deep");
        using Encoder seed = Encoder.LoadDefault();
        using Encoder committedDeep = Encoder.Load(Path.Combine(Repository.ModelsFolder, "deep", "encoder.onnx"));
        Assert.Equal((seed.Metadata.Sha256, committedDeep.Metadata.Sha256), (digits.Metadata.Sha256, deep.Metadata.Sha256));
        Assert.NotNull(host.Services.GetRequiredKeyedService<AnomalyDetector>("digits"));
        Assert.Null(host.Services.GetKeyedService<Decoder>("deep"));
        Assert.Null(host.Services.GetService<Encoder>()); // nothing unkeyed was asked for
    }

    [Fact]
    public async Task A_keyed_model_that_is_missing_stops_the_host_at_start()
    {
        using var empty = new TempFolder();
        using IHost host = Host(services => services.AddAutoEncoder(_ => { }).AddKeyedAutoEncoder("fraud", options => options.ModelDirectory = empty.Path));

        var failure = await Assert.ThrowsAsync<FileNotFoundException>(() => host.StartAsync());

        Assert.Contains(Path.Combine(empty.Path, "encoder.onnx"), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_registered_twice_is_refused()
    {
        var services = new ServiceCollection().AddKeyedAutoEncoder("fraud", _ => { });

        var error = Assert.Throws<InvalidOperationException>(() => services.AddKeyedAutoEncoder("fraud", _ => { }));

        Assert.Equal("AddKeyedAutoEncoder(\"fraud\") was already called on these services; expected one registration per key", error.Message);
    }

    [Fact]
    public async Task A_missing_model_stops_the_host_at_start_with_the_loaderʼs_message()
    {
        using var empty = new TempFolder();
        using IHost host = Host(services => services.AddAutoEncoder(options => options.ModelDirectory = empty.Path));

        var failure = await Assert.ThrowsAsync<FileNotFoundException>(() => host.StartAsync());

        Assert.Contains(Path.Combine(empty.Path, "encoder.onnx"), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configured_threshold_overrides_the_modelʼs()
    {
        using IHost host = Host(services => services.AddAutoEncoder(Configuration(("Inference:AnomalyThreshold", "0.0125"))));
        await host.StartAsync();

        Assert.Equal(0.0125f, host.Services.GetRequiredService<AnomalyDetector>().Threshold);
    }

    [Fact]
    public void An_unknown_configuration_key_is_named()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddAutoEncoder(Configuration(("ModelDirectroy", "models"))));

        Assert.Equal("AutoEncoder: unknown key(s) 'ModelDirectroy'; expected ModelDirectory, Pretrained, Models, Inference", failure.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_named()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddAutoEncoder(Configuration(("Inference:IntraOpThreads", "two"))));

        Assert.Equal("Inference:IntraOpThreads: expected a whole number, found 'two'", failure.Message);
    }

    [Theory]
    [InlineData("Inference:AnomalyThreshold", "NaN", "Inference:AnomalyThreshold: expected a finite value ≥ 0, found NaN")]
    [InlineData("Inference:AnomalyThreshold", "-1", "Inference:AnomalyThreshold: expected a finite value ≥ 0, found -1")]
    [InlineData("Inference:IntraOpThreads", "0", "Inference:IntraOpThreads: expected 1 to 1024, found 0")]
    [InlineData("Inference:IntraOpThreads", "100000", "Inference:IntraOpThreads: expected 1 to 1024, found 100000")]
    public async Task An_invalid_option_stops_the_host_at_start_naming_the_key(string key, string value, string message)
    {
        using IHost host = Host(services => services.AddAutoEncoder(Configuration((key, value))));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("AutoEncoder:" + message, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keyed_registrations_invalid_option_names_its_key()
    {
        using IHost host = Host(services => services.AddKeyedAutoEncoder("fraud", options => options.Inference.IntraOpThreads = 0));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("AutoEncoder[fraud]:Inference:IntraOpThreads: expected 1 to 1024, found 0", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Naming_no_model_is_refused_at_registration()
    {
        var failure = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAutoEncoder(Configuration(("Models", "0"))));

        Assert.StartsWith("AutoEncoder:Models: expected one or more of Encoder, Decoder, AnomalyDetector, ClusterModel, found '0'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_model_without_a_model_directory_is_refused_at_registration()
    {
        var failure = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAutoEncoder(Configuration(("Models", "Encoder, ClusterModel"))));

        Assert.StartsWith("AutoEncoder:Models: ClusterModel expected AutoEncoder:ModelDirectory", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_options_are_injectable_and_later_configuration_applies()
    {
        using IHost host = Host(services => services
            .AddAutoEncoder(options => options.Models = AutoEncoderModels.Encoder)
            .Configure<AutoEncoderOptions>(options => options.Pretrained = PretrainedModel.Umap));
        await host.StartAsync();

        Assert.Equal(PretrainedModel.Umap, host.Services.GetRequiredService<IOptions<AutoEncoderOptions>>().Value.Pretrained);
        using Encoder umap = Encoder.LoadDefault(PretrainedModel.Umap);
        Assert.Equal(umap.Metadata.Sha256, host.Services.GetRequiredService<Encoder>().Metadata.Sha256);
    }

    [Fact]
    public async Task Each_model_loaded_is_logged_with_its_source_hash_and_backend()
    {
        var logged = new LogCollector();
        using IHost host = Host(services =>
        {
            services.AddSingleton<ILoggerProvider>(logged);
            services.AddLogging();
            services.AddAutoEncoder(options => options.Models = AutoEncoderModels.Encoder | AutoEncoderModels.AnomalyDetector);
        });
        await host.StartAsync();

        using Encoder seed = Encoder.LoadDefault();
        Assert.Contains(logged.Messages, m => m.StartsWith($"Loaded the encoder model from the embedded Seed model (SHA-256 {seed.Metadata.Sha256}) on the ", StringComparison.Ordinal));
        Assert.Contains(logged.Messages, m => m.StartsWith("Loaded the autoencoder model from the embedded Seed model", StringComparison.Ordinal));
        Assert.Contains("No anomaly threshold: the detector scores, IsAnomaly is unavailable", logged.Messages);
    }

    [Fact]
    public void A_second_registration_is_refused()
    {
        var services = new ServiceCollection().AddAutoEncoder(_ => { });

        Assert.Throws<InvalidOperationException>(() => services.AddAutoEncoder(_ => { }));
    }

    [Fact]
    public async Task Disposing_the_host_disposes_the_models()
    {
        Encoder encoder;
        using (IHost host = Host(services => services.AddAutoEncoder(options => options.Models = AutoEncoderModels.Encoder)))
        {
            await host.StartAsync();
            encoder = host.Services.GetRequiredService<Encoder>();
            await host.StopAsync();
        }

        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(new float[784]));
    }

    [Fact]
    public void The_service_does_not_start_with_a_bad_model_and_says_so_in_one_line()
    {
        using var empty = new TempFolder();
        (int code, string output) = ExternalProcess.Run("dotnet", Repository.Root, [ServiceProgram.Dll, $"--AutoEncoder:ModelDirectory={empty.Path}", "--urls=http://127.0.0.1:0"]);

        Assert.Equal(1, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("encoder.onnx", line, StringComparison.Ordinal);
    }

    static IHost Host(Action<IServiceCollection> register)
    {
        HostApplicationBuilder builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(
            new HostApplicationBuilderSettings { ContentRootPath = Repository.Root, DisableDefaults = true });
        register(builder.Services);
        return builder.Build();
    }

    static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    /// <summary>Keeps every formatted log message, from any category.</summary>
    private sealed class LogCollector : ILoggerProvider, ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));

        public void Dispose() { }
    }
}
