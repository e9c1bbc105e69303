using System.Text;
using System.Text.Json;

namespace AutoEncoder.ModelKey;

/// <summary>
/// The packages a project resolved, read from its <c>obj/project.assets.json</c>: one line per library,
/// name, version, kind and content hash. Paths (which differ between clones and machines) are left out;
/// project references count by name, since their code is keyed by <see cref="AssemblyFingerprint"/>.
/// </summary>
internal static class PackageGraph
{
    /// <summary>The canonical listing of the resolved libraries in <paramref name="assetsPath"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an assets file with a <c>libraries</c> object.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static string Text(string assetsPath)
    {
        using JsonDocument assets = Parse(assetsPath);
        if (!assets.RootElement.TryGetProperty("libraries", out JsonElement libraries) || libraries.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{assetsPath}: expected a 'libraries' object, found none (is it a project.assets.json?)");
        var text = new StringBuilder();
        foreach (JsonProperty library in libraries.EnumerateObject().OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            string kind = library.Value.TryGetProperty("type", out JsonElement type) ? type.GetString() ?? "" : "";
            string hash = library.Value.TryGetProperty("sha512", out JsonElement sha) ? sha.GetString() ?? "" : "";
            text.Append($"{library.Name} {kind} {hash}\n");
        }
        return text.ToString();
    }

    static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: expected JSON, found an error at line {e.LineNumber + 1}: {e.Message}", e);
        }
    }
}
