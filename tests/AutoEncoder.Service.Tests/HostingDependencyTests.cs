using AutoEncoder.Inference.Hosting;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// What the hosting package may depend on, read from its metadata: the inference library and the host's
/// abstractions, never ONNX Runtime, the model contract or TorchSharp directly (it composes the library's
/// options and loads through the library).
/// </summary>
public sealed class HostingDependencyTests
{
    [Fact]
    public void The_hosting_package_references_only_the_inference_library_and_microsoft_extensions()
    {
        string[] references = typeof(AutoEncoderOptions).Assembly.GetReferencedAssemblies().Select(name => name.Name!)
            .Where(name => name != "netstandard" && !name.StartsWith("System", StringComparison.Ordinal)
                           && !name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            .ToArray();

        Assert.Equal(["AutoEncoder.Inference"], references);
    }
}
