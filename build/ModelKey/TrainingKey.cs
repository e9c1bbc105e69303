using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AutoEncoder.ModelKey;

/// <summary>What one committed model's bytes depend on, each part named beside its hash.</summary>
/// <param name="Root">The repository; paths in the listing are relative to it, so any clone gives the same key.</param>
/// <param name="App">The training app's main assembly; the project assemblies its deps.json names are fingerprinted.</param>
/// <param name="Assets">The training app's <c>project.assets.json</c> (the resolved package graph).</param>
/// <param name="Toolchain">The SDK and runtime versions that build and run training.</param>
/// <param name="Config">The model's config file.</param>
/// <param name="Data">The folder of the data it trains on; every file directly in it is hashed.</param>
/// <param name="Files">Build files that change the output in ways the above cannot see (the native-library fix).</param>
internal sealed record TrainingKey(string Root, string App, string Assets, string Toolchain, string Config, string Data, IReadOnlyList<string> Files)
{
    /// <summary>One line per part: its name, then a SHA-256 of its content.</summary>
    /// <exception cref="FileNotFoundException">A named file, or an assembly the app's deps.json names, is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The data folder is missing.</exception>
    /// <exception cref="InvalidDataException">The deps.json or assets file is not what it should be.</exception>
    /// <exception cref="BadImageFormatException">A project assembly is not a .NET assembly.</exception>
    public IReadOnlyList<string> Listing()
    {
        var lines = new List<string>();
        foreach (string assembly in ProjectAssemblies())
            lines.Add($"assembly {Path.GetFileName(assembly)} {AssemblyFingerprint.Of(assembly)}");
        lines.Add($"packages {Hash(Encoding.UTF8.GetBytes(PackageGraph.Text(Existing(Assets))))}");
        lines.Add($"toolchain {Hash(Encoding.UTF8.GetBytes(Toolchain))} {Toolchain}");
        foreach (string file in Files.Append(Config))
            lines.Add($"file {Relative(file)} {Hash(File.ReadAllBytes(Existing(file)))}");
        if (!Directory.Exists(Data))
            throw new DirectoryNotFoundException($"{Relative(Data)}: expected the model's data folder, found nothing (run make data)");
        foreach (string file in Directory.GetFiles(Data).Order(StringComparer.Ordinal))
            lines.Add($"data {Relative(file)} {Hash(File.ReadAllBytes(file))}");
        return lines;
    }

    /// <summary>The key: a SHA-256 of <see cref="Listing"/>, as 64 hex digits.</summary>
    public string Value() => Hash(Encoding.UTF8.GetBytes(string.Join("\n", Listing()) + "\n"));

    /// <summary>The assemblies of the app's own projects (packages are keyed by the assets file instead).</summary>
    IEnumerable<string> ProjectAssemblies()
    {
        string deps = Path.ChangeExtension(Existing(App), ".deps.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Existing(deps)));
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("libraries", out JsonElement libraries) || !root.TryGetProperty("targets", out JsonElement targets))
            throw new InvalidDataException($"{Relative(deps)}: expected 'libraries' and 'targets', found neither or one");
        JsonElement target = targets.EnumerateObject().First().Value;
        var assemblies = new List<string>();
        foreach (JsonProperty library in libraries.EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() != "project" || !target.TryGetProperty(library.Name, out JsonElement entry)
                || !entry.TryGetProperty("runtime", out JsonElement runtime))
                continue;
            foreach (JsonProperty file in runtime.EnumerateObject())
                assemblies.Add(Existing(Path.Combine(Path.GetDirectoryName(App)!, file.Name)));
        }
        return assemblies.Order(StringComparer.Ordinal);
    }

    string Existing(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{Relative(path)}: expected a file, found nothing (run dotnet build first?)", path);

    string Relative(string path) => Path.GetRelativePath(Root, Path.GetFullPath(path)).Replace('\\', '/');

    static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
