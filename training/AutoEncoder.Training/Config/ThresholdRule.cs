using System.Globalization;

namespace AutoEncoder.Training.Config;

/// <summary>How the anomaly threshold is chosen from the scores of held-out normal rows.</summary>
/// <param name="Kind"><c>percentile</c>, <c>contamination</c> or <c>max</c>.</param>
/// <param name="Value">The percentile (0–100) or the contamination rate (0–0.5); 0 for <c>max</c>.</param>
internal sealed record ThresholdRule(string Kind, double Value)
{
    /// <summary>Parses <c>percentile:P</c> (0 &lt; P ≤ 100), <c>contamination:C</c> (0 &lt; C &lt; 0.5) or <c>max</c>.</summary>
    /// <exception cref="ArgumentException">The text is none of those.</exception>
    public static ThresholdRule Parse(string text)
    {
        string[] parts = text.Split(':', 2);
        double value = double.NaN;
        bool number = parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        return (parts[0], number) switch
        {
            ("max", _) when parts.Length == 1 => new ThresholdRule("max", 0),
            ("percentile", true) when value is > 0 and <= 100 => new ThresholdRule("percentile", value),
            ("contamination", true) when value is > 0 and < 0.5 => new ThresholdRule("contamination", value),
            _ => throw new ArgumentException(
                $"--threshold: expected percentile:P (0 < P ≤ 100), contamination:C (0 < C < 0.5) or max, found '{text}'"),
        };
    }

    /// <summary>The threshold for <paramref name="scores"/>: the percentile (linear interpolation, as NumPy's
    /// default), the (1 − contamination) quantile (as PyOD), or the largest score.</summary>
    public double Apply(IReadOnlyList<double> scores) => Quantile([.. scores.Order()], Level);

    /// <summary>The quantile the rule picks: P/100, 1 − C, or 1 for the largest score.</summary>
    public double Level => Kind switch
    {
        "percentile" => Value / 100,
        "contamination" => 1 - Value,
        _ => 1,
    };

    /// <summary>The <paramref name="q"/>-quantile of ascending <paramref name="sorted"/>, linearly interpolated.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position), above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>The rule as <see cref="Parse"/> reads it.</summary>
    public override string ToString() =>
        Kind == "max" ? "max" : $"{Kind}:{Value.ToString("R", CultureInfo.InvariantCulture)}";
}
