using System.Globalization;

namespace AutoEncoder.Training.Config;

/// <summary>
/// How a denoising autoencoder corrupts its inputs while the target stays clean (Vincent et al. 2008; the Keras
/// blog's denoising example adds Gaussian noise of σ 0.5 and clips to [0, 1]).
/// </summary>
/// <param name="Kind"><c>gaussian</c> (add σ·N(0, 1)), <c>masking</c> (zero each value with probability P) or
/// <c>salt-pepper</c> (set each value with probability P to 0 or 1, either with even odds).</param>
/// <param name="Amount">σ for Gaussian noise, P for the others.</param>
internal sealed record NoiseRule(string Kind, double Amount)
{
    /// <summary>The kinds, as <see cref="Parse"/> reads them.</summary>
    public const string Expected = "gaussian:SIGMA (SIGMA > 0), masking:P or salt-pepper:P (0 < P < 1)";

    /// <summary>Parses <c>gaussian:SIGMA</c>, <c>masking:P</c> or <c>salt-pepper:P</c>.</summary>
    /// <exception cref="ArgumentException">The text is none of those.</exception>
    public static NoiseRule Parse(string text)
    {
        string[] parts = text.Split(':', 2);
        double value = double.NaN;
        bool number = parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        return (parts[0], number) switch
        {
            ("gaussian", true) when value > 0 && double.IsFinite(value) => new NoiseRule("gaussian", value),
            ("masking" or "salt-pepper", true) when value is > 0 and < 1 => new NoiseRule(parts[0], value),
            _ => throw new ArgumentException($"--noise: expected {Expected}, found '{text}'"),
        };
    }

    /// <summary>The rule as <see cref="Parse"/> reads it.</summary>
    public override string ToString() => $"{Kind}:{Amount.ToString("R", CultureInfo.InvariantCulture)}";
}
