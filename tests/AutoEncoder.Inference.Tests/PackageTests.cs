using System.Globalization;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The NuGet package works for an app that has nothing but the package.</summary>
[Trait("Category", "Slow")]
public sealed class PackageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_fresh_app_restores_the_package_from_a_local_feed_and_encodes_like_the_committed_model()
    {
        string version = LocalPackages.UniqueVersion();
        string feed = Directory.CreateDirectory(folder.File("feed")).FullName;
        string app = Directory.CreateDirectory(folder.File("app")).FullName;
        LocalPackages.Pack(feed, version, "inference/AutoEncoder.Inference/AutoEncoder.Inference.csproj");

        string sample = Path.Combine(Repository.Root, "inference", "samples", "EncodeDigits");
        File.Copy(Path.Combine(sample, "Program.cs"), Path.Combine(app, "Program.cs"));
        File.Copy(Path.Combine(sample, "EncodeDigits.csproj"), Path.Combine(app, "EncodeDigits.csproj"));
        LocalPackages.UseFeed(app, feed);
        LocalPackages.Dotnet(app, "build", "-c", "Release", $"-p:AutoEncoderInferenceVersion={version}", "--nologo", "-v", "quiet");

        string output = LocalPackages.Dotnet(app, Path.Combine("bin", "Release", "net10.0", "EncodeDigits.dll"),
            Path.Combine(Repository.MnistFolder, "t10k-images-idx3-ubyte"), Path.Combine(Repository.MnistFolder, "t10k-labels-idx1-ubyte"), "5");

        using var committed = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        string[] lines = output.Trim().Split('\n');
        Assert.Equal(6, lines.Length);
        for (int i = 0; i < 5; i++)
        {
            float[] code = committed.Encode(TestImages.Bytes(i + 1).AsSpan(i * 784, 784));
            string expected = $"digit {TestImages.Labels(i + 1)[i]}  code [{string.Join(", ", code.Select(c => c.ToString("F4", CultureInfo.CurrentCulture)))}]";
            Assert.Equal(expected, lines[i + 1].Trim());
        }

        string[] libraries = LocalPackages.RestoredLibraries(app);
        Assert.Contains(libraries, name => name.StartsWith($"AutoEncoder.Inference/{version}", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, name => name.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }
}
