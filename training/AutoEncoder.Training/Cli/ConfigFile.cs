using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AutoEncoder.Training.Cli;

/// <summary>
/// <c>--config FILE.json</c>: a command's options as a JSON object, keyed by option name without the dashes
/// (<c>{"preset": "deep", "epochs": 40, "hidden": [512, 256]}</c>). Each key becomes the flag it names,
/// checked against the option's type first; a flag also given on the command line wins. Paths in the file
/// are relative to the file's folder, so a config beside its models trains the same from anywhere.
/// </summary>
internal static class ConfigFile
{
    /// <summary>The option that names the file.</summary>
    public const string OptionName = "--config";

    /// <summary>Options whose values are paths, resolved against the config file's folder.</summary>
    static readonly HashSet<string> PathOptions = ["--data", "--test", "--labels", "--test-labels", "--out", "--graph-encoder"];

    /// <summary>
    /// <paramref name="args"/> with the config file's settings inserted after the command name, for every
    /// option of <paramref name="command"/> the command line does not set itself; unchanged without <c>--config</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a JSON object, a key names no option, or a value has the wrong type.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static string[] Expand(Command command, string[] args)
    {
        int at = Array.IndexOf(args, OptionName);
        if (at < 0 || args.Length == 0 || args[0] != command.Name) return args;
        if (at + 1 >= args.Length) throw new ArgumentException($"{OptionName}: expected a JSON file after it, found nothing");
        string path = args[at + 1];
        string[] rest = [.. args[1..at], .. args[(at + 2)..]];
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such config file", path);

        JsonElement root;
        try
        {
            // Editors on Windows save UTF-8 with a byte-order mark, which is no JSON value.
            byte[] bytes = File.ReadAllBytes(path);
            ReadOnlyMemory<byte> json = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsMemory(Encoding.UTF8.Preamble.Length) : bytes;
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
                AllowDuplicateProperties = false, // two values for one option: which was meant?
            });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: expected a JSON object of options, found malformed JSON ({e.Message})", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{path}: expected a JSON object of options, found a {root.ValueKind.ToString().ToLowerInvariant()}");

        var options = command.Options.Where(o => o.Name != OptionName).ToDictionary(o => o.Name.TrimStart('-'), StringComparer.Ordinal);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var tokens = new List<string> { command.Name };
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!options.TryGetValue(property.Name, out Option? option))
                throw new InvalidDataException(
                    $"{path}: unknown key '{property.Name}'; expected one of {string.Join(", ", options.Keys.Order(StringComparer.Ordinal))}");
            // Checked even when the command line overrides it: the file is validated as a whole.
            string? value = Value(property, option, path);
            if (rest.Contains(option.Name)) continue; // the command line overrides the file
            if (value is null) continue; // false for a switch
            tokens.Add(option.Name);
            if (value.Length > 0 || option.ValueType != typeof(bool))
                tokens.Add(PathOptions.Contains(option.Name) ? Path.GetFullPath(value, folder) : value);
        }
        return [.. tokens, .. rest];
    }

    // The value as a command-line token: "" for a switch that is on, null for one that is off.
    static string? Value(JsonProperty property, Option option, string path)
    {
        Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        JsonElement value = property.Value;
        string Wrong(string expected) => throw new InvalidDataException(
            $"{path}: key '{property.Name}': expected {expected}, found {value.ValueKind.ToString().ToLowerInvariant()} {value.GetRawText()}");

        if (type == typeof(bool))
            return value.ValueKind switch { JsonValueKind.True => "", JsonValueKind.False => null, _ => Wrong("true or false") };
        if (type == typeof(int))
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int small) ? small.ToString(CultureInfo.InvariantCulture) : Wrong("an integer of at most 2147483647");
        if (type == typeof(long))
            return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long integer) ? integer.ToString(CultureInfo.InvariantCulture) : Wrong("an integer");
        if (type == typeof(double))
            return value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("R", CultureInfo.InvariantCulture) : Wrong("a number");
        if (type.IsEnum)
        {
            string[] names = [.. Enum.GetNames(type).Select(n => n.ToLowerInvariant())];
            return value.ValueKind == JsonValueKind.String && names.Contains(value.GetString()!.ToLowerInvariant())
                ? value.GetString()!
                : Wrong($"one of {string.Join(", ", names)}");
        }
        // Strings; a list (hidden widths, columns) is written as its comma-separated form.
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.String) =>
                string.Join(',', value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
            _ => Wrong("a string, a number or a list of them"),
        };
    }
}
