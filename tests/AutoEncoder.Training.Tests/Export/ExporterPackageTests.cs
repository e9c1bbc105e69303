using System.IO.Compression;
using System.Xml.Linq;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>
/// The exporter as a NuGet package: the library and the model contract it carries, TorchSharp's managed API and
/// Google.Protobuf as its only dependencies (no libtorch: the app picks its backend), and an app that has
/// nothing but the package compiles against <c>OnnxExport.Save</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ExporterPackageTests(ExporterPackageTests.PackedExporter packed) : IClassFixture<ExporterPackageTests.PackedExporter>, IDisposable
{
    /// <summary>The exporter packed once, at a version of its own, into a local feed both tests read.</summary>
    public sealed class PackedExporter : IDisposable
    {
        private readonly TempFolder folder = new();

        public PackedExporter()
        {
            Feed = Directory.CreateDirectory(folder.File("feed")).FullName;
            LocalPackages.Pack(Feed, Version, "training/AutoEncoder.Onnx/AutoEncoder.Onnx.csproj");
        }

        public string Version { get; } = LocalPackages.UniqueVersion();

        public string Feed { get; }

        public void Dispose() => folder.Dispose();
    }

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void The_package_holds_the_exporter_and_the_model_contract_and_depends_on_torchsharp_and_protobuf_only()
    {
        using ZipArchive package = ZipFile.OpenRead(Path.Combine(packed.Feed, $"AutoEncoder.Onnx.{packed.Version}.nupkg"));
        string[] files = [.. package.Entries.Select(e => e.FullName)];
        Assert.Subset(files.ToHashSet(), new HashSet<string> { "lib/net10.0/AutoEncoder.Onnx.dll", "lib/net10.0/AutoEncoder.Onnx.xml", "lib/net10.0/AutoEncoder.ModelFormat.dll", "README.md" });
        Assert.DoesNotContain(files, name => name.Contains("libtorch", StringComparison.OrdinalIgnoreCase) || name.StartsWith("runtimes/", StringComparison.Ordinal));
        XDocument nuspec = XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string[] dependencies = [.. nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).Order(StringComparer.Ordinal)];
        Assert.Equal(["Google.Protobuf", "TorchSharp"], dependencies);
    }

    [Fact]
    public void An_app_with_nothing_but_the_package_compiles_against_the_exporter()
    {
        string app = Directory.CreateDirectory(folder.File("app")).FullName;
        // The local feed for the package, nuget.org (as the machine's config names it) for TorchSharp and Google.Protobuf.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <configuration><packageSources><add key="local" value="{packed.Feed}" /><add key="nuget.org" value="https://api.nuget.org/v3/index.json" /></packageSources></configuration>
            """);
        File.WriteAllText(Path.Combine(app, "ExportApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors></PropertyGroup>
              <ItemGroup><PackageReference Include="AutoEncoder.Onnx" Version="{packed.Version}" /></ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using AutoEncoder.Onnx;
            using static TorchSharp.torch;

            var net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2));
            net.eval();
            var options = new ExportOptions { InputName = "x", OutputName = "y" };
            options.Metadata["purpose"] = "package test";
            OnnxExport.Save(net, [4], args[0], options);
            """);

        LocalPackages.Dotnet(app, "build", "-c", "Release", "--nologo", "-v", "quiet");

        Assert.True(File.Exists(Path.Combine(app, "bin", "Release", "net10.0", "AutoEncoder.ModelFormat.dll")));
        Assert.Contains(LocalPackages.RestoredLibraries(app), name => name.StartsWith("TorchSharp/", StringComparison.Ordinal));
    }
}
