using System.CommandLine;
using System.CommandLine.Parsing;

namespace AutoEncoder.Training.Cli;

/// <summary>Range checks for numeric options, reported by the parser before any work starts.</summary>
internal static class OptionValidation
{
    /// <summary>Rejects values below <paramref name="minimum"/>.</summary>
    public static Option<T?> AtLeast<T>(this Option<T?> option, T minimum) where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            if (!TryGetValue(result, out T? value)) return;
            if (value is { } v && v.CompareTo(minimum) < 0)
                result.AddError($"{option.Name} must be at least {minimum}, found {v}");
        });
        return option;
    }

    /// <summary>Rejects values that are not finite and positive.</summary>
    public static Option<double?> Positive(this Option<double?> option)
    {
        option.Validators.Add(result =>
        {
            if (!TryGetValue(result, out double? value)) return;
            if (value is { } v && !(v > 0 && double.IsFinite(v)))
                result.AddError($"{option.Name} must be a finite number > 0, found {v}");
        });
        return option;
    }

    /// <summary>
    /// The option's value, or false when the text did not parse as its type: the parser reports that as
    /// its own one-line error ("Cannot parse argument 'abc' for option '--epochs'"), and reading the value
    /// would throw instead.
    /// </summary>
    private static bool TryGetValue<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
