namespace AutoEncoder.Training.Model;

/// <summary>The autoencoder's architecture: input → hidden… → latent, mirrored back to input.</summary>
/// <param name="InputSize">Values per input row (784 for 28×28 MNIST).</param>
/// <param name="Hidden">Encoder hidden layer widths, outermost first; the decoder mirrors them.</param>
/// <param name="Latent">Width of the code (embedding) layer.</param>
/// <param name="Activation">Non-linearity between hidden layers.</param>
internal sealed record ModelConfig(int InputSize, IReadOnlyList<int> Hidden, int Latent, Activation Activation)
{
    /// <summary>Checks every size is positive.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    public ModelConfig Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InputSize, 1, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Latent, 1, nameof(Latent));
        foreach (int width in Hidden)
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1, nameof(Hidden));
        return this;
    }

    /// <summary>Weights and biases of the encoder and the mirrored decoder.</summary>
    public long CountParameters()
    {
        long[] widths = [InputSize, .. Hidden.Select(w => (long)w), Latent];
        long parameters = 0;
        for (int i = 0; i + 1 < widths.Length; i++)
            parameters += 2 * widths[i] * widths[i + 1] + widths[i + 1] + widths[i]; // encoder layer and its mirror
        return parameters;
    }

    /// <summary>Compares by value, including the hidden widths (a record compares lists by reference).</summary>
    public bool Equals(ModelConfig? other) =>
        other is not null && InputSize == other.InputSize && Latent == other.Latent &&
        Activation == other.Activation && Hidden.SequenceEqual(other.Hidden);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(InputSize, Latent, Activation, Hidden.Count);

    /// <summary>A compact description such as <c>784-512-256-2 relu</c>.</summary>
    public override string ToString() =>
        $"{string.Join('-', new[] { InputSize }.Concat(Hidden).Append(Latent))} {Activation.ToString().ToLowerInvariant()}";
}
