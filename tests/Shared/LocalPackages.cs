using System.Text.Json;
using Xunit;

namespace AutoEncoder.Tests.Support;

/// <summary>Packing the repository's packages into a local feed, and building an app that has nothing but them.</summary>
internal static class LocalPackages
{
    /// <summary>A version no earlier run used, so NuGet's global cache cannot serve an older build of the packages.</summary>
    public static string UniqueVersion() => $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    /// <summary>
    /// Packs each project (path relative to the repository) as package version <paramref name="version"/> into
    /// <paramref name="feed"/>. Only the package's version is set: a global <c>Version</c> would also rebuild every
    /// referenced project (AutoEncoder.ModelFormat, which has no version of its own) at another assembly version
    /// into the shared bin folders, and a later build or pack (the tool's) would mix assemblies built against both.
    /// </summary>
    public static void Pack(string feed, string version, params string[] projects)
    {
        foreach (string project in projects)
            Dotnet(Repository.Root, "pack", project, "-c", "Release", "-o", feed, $"-p:PackageVersion={version}", "--nologo", "-v", "quiet");
    }

    /// <summary>Makes <paramref name="feed"/> the only package source of the app in <paramref name="app"/>.</summary>
    public static void UseFeed(string app, string feed) =>
        File.WriteAllText(Path.Combine(app, "nuget.config"),
            $"""<configuration><packageSources><add key="local" value="{feed}" /></packageSources></configuration>""");

    /// <summary>Runs <c>dotnet</c>, asserting that it exits 0; returns what it printed.</summary>
    public static string Dotnet(string workingDirectory, params string[] args)
    {
        (int code, string output) = ExternalProcess.Run("dotnet", workingDirectory, args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} exited {code}:\n{output}");
        return output;
    }

    /// <summary>Every library (name/version) the app's restore resolved.</summary>
    public static string[] RestoredLibraries(string app)
    {
        using JsonDocument assets = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "obj", "project.assets.json")));
        return assets.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name).ToArray();
    }
}
