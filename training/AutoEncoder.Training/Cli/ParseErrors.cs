using System.Text.RegularExpressions;

namespace AutoEncoder.Training.Cli;

/// <summary>The parser's messages in the words of the command line rather than .NET's type names.</summary>
internal static partial class ParseErrors
{
    /// <summary>
    /// "Cannot parse argument 'abc' for option '--epochs' as expected type 'System.Nullable`1[System.Int32]'."
    /// becomes "--epochs: expected a whole number, found 'abc'"; other messages pass unchanged.
    /// </summary>
    /// An enumeration's message goes on with "Did you mean one of the following?" and one choice per line:
    /// those become "expected one of A, B, C".
    public static string Describe(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Match match = CannotParse().Match(lines[0]);
        if (!match.Success) return string.Join("; ", lines);
        string type = match.Groups["type"].Value;
        string expected = lines.Length > 1 ? $"one of {string.Join(", ", lines.Skip(1))}"
            : type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : "a value of another form";
        return $"{match.Groups["option"].Value}: expected {expected}, found '{match.Groups["value"].Value}'";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?(?: .*)?$")]
    private static partial Regex CannotParse();
}
