using AutoEncoder.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AutoEncoder.Service.Tests.Support;

/// <summary>
/// The encoder service in-process through its real pipeline, configured as <c>make serve</c> configures it
/// (command-line style settings): the models embedded in the package unless a test names a folder, and the
/// map from MNIST's test set (<c>make data</c>).
/// </summary>
public class ServiceFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings = new()
    {
        ["Map:Images"] = Path.Combine(Repository.MnistFolder, "t10k-images-idx3-ubyte"),
        ["Map:Labels"] = Path.Combine(Repository.MnistFolder, "t10k-labels-idx1-ubyte"),
    };

    /// <summary>Adds or replaces one setting (before the first request).</summary>
    public ServiceFactory With(string key, string? value)
    {
        settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach ((string key, string? value) in settings) builder.UseSetting(key, value);
    }
}
