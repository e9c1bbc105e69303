using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>
/// TorchSharp's native wrapper as the build leaves it, and the app when it cannot be loaded: one line, and
/// the app's folder as built (TorchSharp's own loader answers a failed load with a page of trace and, on some
/// layouts, copies its native libraries into the app's folder).
/// </summary>
public sealed class NativeLibraryTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Wrapper(string app) => Path.Combine(app, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string PackageWrapper()
    {
        string version = System.Xml.Linq.XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "TorchSharp-cpu").Attribute("Version")!.Value;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                          ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", version, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void The_build_copies_the_wrapper_with_the_package_timestamp_so_a_later_build_leaves_it_alone()
    {
        // MSBuild's incremental copy compares size and time; a copy it rewrote on every build was, for a
        // moment, the unmarked library that Debian 12's libstdc++ cannot load.
        var built = new FileInfo(Wrapper(Repository.TrainingAppFolder));
        var package = new FileInfo(PackageWrapper());

        Assert.Equal(package.Length, built.Length);
        Assert.Equal(package.LastWriteTimeUtc, built.LastWriteTimeUtc);
    }

    [Fact]
    public void A_wrapper_that_cannot_load_is_one_line_and_the_app_folder_is_left_as_built()
    {
        // The app's own files are copied; everything else is linked (1.6 GB of native libraries).
        string app = folder.File("app");
        Assert.Equal(0, ExternalProcess.Run("cp", null, "-as", Repository.TrainingAppFolder, app).ExitCode);
        foreach (string name in new[] { "autoencoder.dll", "autoencoder.deps.json", "autoencoder.runtimeconfig.json" })
        {
            File.Delete(Path.Combine(app, name));
            File.Copy(Path.Combine(Repository.TrainingAppFolder, name), Path.Combine(app, name));
        }
        File.Delete(Wrapper(app));
        File.WriteAllBytes(Wrapper(app), new byte[4096]); // not an ELF file
        string[] before = [.. Directory.GetFileSystemEntries(app, "*", SearchOption.AllDirectories).Order()];

        (int code, string output) = ExternalProcess.Run("dotnet", null, Path.Combine(app, "autoencoder.dll"),
            "train", "--preset", "seed", "--data", Repository.MnistFolder, "--out", folder.File("out"));

        Assert.Equal(1, code);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot load TorchSharp's native library LibTorchSharp: {Wrapper(app)}: ", line);
        string[] after = [.. Directory.GetFileSystemEntries(app, "*", SearchOption.AllDirectories).Order()];
        Assert.Equal(before, after);
    }
}
