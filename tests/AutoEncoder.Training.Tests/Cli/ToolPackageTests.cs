using System.Text.RegularExpressions;
using System.Xml.Linq;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>
/// The command line as a .NET tool (<c>AutoEncoder.Cli</c>): packed into a local feed, installed with
/// <c>dotnet tool install</c> into a folder of its own (NuGet's cache too, so that nothing is left behind),
/// and run as a user runs it.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private (int ExitCode, string Output) Autoencoder(params string[] args) =>
        ExternalProcess.Run(Path.Combine(folder.File("tools"), "autoencoder"), folder.Path, args);

    [Fact]
    public void The_installed_tool_trains_and_exports_a_model_and_reports_its_version()
    {
        // Packed at its own version, as `make pack` packs it: a version given on the command line would reach the
        // assemblies it builds. NuGet's cache is a folder of the test's, so no earlier build can be served from it.
        string feed = Directory.CreateDirectory(folder.File("feed")).FullName, version = ToolVersion();
        LocalPackages.Dotnet(Repository.Root, "pack", "training/AutoEncoder.Cli/AutoEncoder.Cli.csproj", "-c", "Release", "-o", feed, "--nologo", "-v", "quiet");
        (int installed, string log) = ExternalProcess.Run("dotnet", folder.Path, new Dictionary<string, string> { ["NUGET_PACKAGES"] = folder.File("nuget") },
            "tool", "install", "AutoEncoder.Cli", "--version", version, "--add-source", feed, "--tool-path", folder.File("tools"));
        Assert.True(installed == 0, log);

        (int code, string printed) = Autoencoder("--version");
        Assert.Equal(0, code);
        Assert.StartsWith(version, printed.Trim());

        // TorchSharp's native libraries load from the tool's folder (the GLIBCXX fix travels with the package).
        (code, printed) = Autoencoder("train", "--subset", "300", "--epochs", "1", "--data", Repository.MnistFolder, "--out", folder.File("model"), "-q");
        Assert.True(code == 0, printed);
        Assert.All(new[] { "encoder.onnx", "decoder.onnx", "autoencoder.onnx", "manifest.json" }, file => Assert.True(File.Exists(Path.Combine(folder.File("model"), file)), file));
    }

    private static string ToolVersion() =>
        XDocument.Load(Path.Combine(Repository.Root, "training", "AutoEncoder.Cli", "AutoEncoder.Cli.csproj")).Descendants("Version").Single().Value;

    [Fact]
    public void The_tool_and_every_package_carry_one_version()
    {
        string[] projects = Directory.GetFiles(Repository.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).ToArray();
        var versions = projects
            .Select(path => (Path: path, Document: XDocument.Load(path)))
            .Where(p => p.Document.Descendants("PackageId").Any())
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p.Path), p => p.Document.Descendants("Version").Single().Value);

        Assert.Contains("AutoEncoder.Cli", versions.Keys);
        Assert.Contains("AutoEncoder.Inference", versions.Keys);
        Assert.Single(versions.Values.Distinct());
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), versions.Values.First());
    }
}
