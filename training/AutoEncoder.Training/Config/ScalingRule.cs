using System.Globalization;

namespace AutoEncoder.Training.Config;

/// <summary>How raw features are scaled before training, fitted on the training split only.</summary>
/// <param name="Kind"><c>none</c>, <c>divide</c>, <c>minmax</c> or <c>standard</c>.</param>
/// <param name="Divisor">The divisor of <c>divide:D</c>; 1 otherwise.</param>
internal sealed record ScalingRule(string Kind, double Divisor)
{
    /// <summary>The rule names, for messages.</summary>
    public const string Expected = "none, divide:D (D > 0), minmax or standard";

    /// <summary>Parses <c>none</c>, <c>divide:D</c>, <c>minmax</c> or <c>standard</c>.</summary>
    /// <exception cref="ArgumentException">The text is none of those.</exception>
    public static ScalingRule Parse(string text)
    {
        string[] parts = text.Split(':', 2);
        return parts switch
        {
            ["none" or "minmax" or "standard"] => new ScalingRule(parts[0], 1),
            ["divide", string d] when double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out double divisor)
                                      && divisor > 0 && double.IsFinite(divisor) => new ScalingRule("divide", divisor),
            _ => throw new ArgumentException($"--scaling: expected {Expected}, found '{text}'"),
        };
    }
}
