using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>
/// The configuration binder's failures in the words of the configuration: the key, what it expects and
/// what it found, without .NET type names ("System.Nullable`1[System.Int32]").
/// </summary>
internal static partial class ConfigurationErrors
{
    /// <summary>Binds <paramref name="configuration"/> onto <paramref name="options"/>, refusing unknown keys, with readable errors.</summary>
    /// <exception cref="InvalidOperationException">A key that is no option, or a value of the wrong type.</exception>
    public static void Bind(IConfiguration configuration, AutoEncoderOptions options)
    {
        try
        {
            // A misspelt key would otherwise be ignored silently and the embedded model served instead.
            configuration.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            string section = (configuration as IConfigurationSection)?.Path is { Length: > 0 } path ? path : "AutoEncoder";
            throw new InvalidOperationException(Describe(e.Message, section), e);
        }
    }

    /// <summary>The message of a binder failure, rephrased where its form is known.</summary>
    internal static string Describe(string message, string section)
    {
        if (WrongType().Match(message) is { Success: true } wrong)
            return $"{wrong.Groups["key"].Value}: expected {Expected(wrong.Groups["type"].Value)}, found '{wrong.Groups["value"].Value}'";
        if (Unknown().Match(message) is { Success: true } unknown)
            return $"{section}: unknown key(s) {unknown.Groups["keys"].Value}; expected {string.Join(", ", typeof(AutoEncoderOptions).GetProperties().Select(p => p.Name))}" +
                   (unknown.Groups["type"].Value.EndsWith(nameof(InferenceOptions), StringComparison.Ordinal) ? " (or, under Inference, the settings of InferenceOptions)" : "");
        return message;
    }

    private static string Expected(string type) =>
        type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
        : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : type.Contains(nameof(InferenceBackend), StringComparison.Ordinal) ? $"one of {string.Join(", ", Enum.GetNames<InferenceBackend>())}"
        : type.Contains(nameof(PretrainedModel), StringComparison.Ordinal) ? $"one of {string.Join(", ", Enum.GetNames<PretrainedModel>())}"
        : type.Contains(nameof(AutoEncoderModels), StringComparison.Ordinal) ? $"some of {string.Join(", ", Enum.GetNames<AutoEncoderModels>())}"
        : "a value of another form";

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex WrongType();

    [GeneratedRegex(@"were not found on the instance of (?<type>[\w.]+): (?<keys>.+)$")]
    private static partial Regex Unknown();
}
