using AutoEncoder.Training.Config;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Applies a <see cref="NoiseRule"/> to a batch. Here, not in the rule, because it runs inside the training shards
/// and so must keep its Scalars held (<see cref="HeldScalars"/>), as the rest of the step does.
/// </summary>
internal static class NoiseCorruption
{
    /// <summary>
    /// <paramref name="clean"/> corrupted by <paramref name="rule"/>, drawing from <paramref name="generator"/>;
    /// Gaussian noise is clipped to [0, 1] when <paramref name="unitRange"/> (values a BCE model reads), as the
    /// Keras example clips it.
    /// </summary>
    public static Tensor Apply(this NoiseRule rule, Tensor clean, Generator generator, bool unitRange)
    {
        switch (rule.Kind)
        {
            case "gaussian":
                Tensor noisy = clean.Plus(randn(clean.shape, generator: generator).Times(rule.Amount));
                return unitRange ? noisy.clamp_(HeldScalars.Zero, HeldScalars.One) : noisy;
            case "masking":
                return clean * rand(clean.shape, generator: generator).AtLeast(rule.Amount).to_type(clean.dtype);
            default:
                Tensor draw = rand(clean.shape, generator: generator);
                // Below P/2: pepper (0); from P/2 to P: salt (1); the rest untouched.
                return where(draw.Below(rule.Amount / 2), zeros_like(clean), where(draw.Below(rule.Amount), ones_like(clean), clean));
        }
    }
}
