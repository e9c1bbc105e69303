using System.Text.RegularExpressions;

namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>Why the service could not start, as one line in the words of its settings (no .NET type names).</summary>
internal static partial class StartupError
{
    public static string Describe(Exception e)
    {
        string line = e.Message.Split('\n', 2)[0].Trim();
        Match wrong = WrongType().Match(line);
        if (!wrong.Success) return line;
        string type = wrong.Groups["type"].Value;
        string expected = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of another form";
        return $"{wrong.Groups["key"].Value}: expected {expected}, found '{wrong.Groups["value"].Value}'";
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex WrongType();
}
