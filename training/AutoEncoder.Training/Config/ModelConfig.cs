using System.Text.Json.Serialization;

namespace AutoEncoder.Training.Config;

/// <summary>The autoencoder's architecture: input → hidden… → latent, mirrored back to input.</summary>
/// <param name="InputSize">Values per input row (784 for 28×28 MNIST).</param>
/// <param name="Hidden">Encoder hidden layer widths, outermost first; the decoder mirrors them.</param>
/// <param name="Latent">Width of the code (embedding) layer.</param>
/// <param name="Activation">Non-linearity between hidden layers.</param>
/// <param name="Conv">Convolutional layers in front of the dense ones; null (and absent from files) for a dense model.</param>
/// <param name="BatchNorm">Batch normalisation after every hidden layer and convolution, before its activation
/// (absent from files when off, so earlier models' configurations are unchanged).</param>
/// <param name="Dropout">Probability of zeroing a hidden activation while training; 0 (absent from files) for none.</param>
/// <param name="Variational">Whether the encoder also has a log-variance head beside the code (the mean) layer: a
/// variational autoencoder's posterior (absent from files when off).</param>
internal sealed record ModelConfig(int InputSize, IReadOnlyList<int> Hidden, int Latent, Activation Activation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConvOptions? Conv = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool BatchNorm = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double Dropout = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Variational = false)
{
    /// <summary>
    /// The most weights and biases a network may have: 500 million, 2 GB of float32 weights and three times
    /// that with Adam's two moments, within this project's 24 GiB machines. Checked before anything is
    /// allocated: `--hidden 2000000000` once reached libtorch's allocator and ended in a native stack trace.
    /// </summary>
    public const long MaxParameters = 500_000_000;

    /// <summary>Checks every size is positive and the network fits <see cref="MaxParameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative, or the network is too large.</exception>
    public ModelConfig Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InputSize, 1, nameof(InputSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Latent, 1, nameof(Latent));
        foreach (int width in Hidden)
            ArgumentOutOfRangeException.ThrowIfLessThan(width, 1, nameof(Hidden));
        Conv?.Validate();
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException("dropout", Dropout, "expected a probability in [0, 1)");
        // Widths up to 2³¹ multiply past a long; a double holds the product's size well enough to compare.
        double dense = Hidden.Prepend(DenseInput).Append(Latent).Zip(Hidden.Append(Latent).Select(w => (double)w), (a, b) => 2.0 * a * b).Sum();
        double parameters = dense > MaxParameters ? dense : CountParameters();
        if (parameters > MaxParameters)
            throw new ArgumentOutOfRangeException("hidden", $"expected a network of at most {MaxParameters:N0} weights and biases, found about {parameters:N0} (input {InputSize}, hidden [{string.Join(", ", Hidden)}], latent {Latent}): choose smaller widths");
        return this;
    }

    /// <summary>Values a row has where the dense layers begin: the input, or the last convolution's output flattened.</summary>
    [JsonIgnore]
    public int DenseInput => Conv is { Image: [int _, int height, int width] } conv
        ? conv.Channels[^1] * conv.Reduced(height) * conv.Reduced(width)
        : InputSize;

    /// <summary>Weights and biases of the encoder and the mirrored decoder.</summary>
    public long CountParameters()
    {
        long[] widths = [DenseInput, .. Hidden.Select(w => (long)w), Latent];
        long parameters = 0;
        if (Conv is { Image: [int imageChannels, ..] } conv)
        {
            long previous = imageChannels;
            foreach (int channels in conv.Channels)
            {
                // A convolution previous → channels and its mirror channels → previous, each with its bias.
                parameters += 2 * ConvOptions.Kernel * ConvOptions.Kernel * previous * channels + channels + previous;
                previous = channels;
            }
            // Scale and shift after each convolution, and after each transposed one but the last (the logits).
            if (BatchNorm) parameters += 2 * (2L * conv.Channels.Sum() - conv.Channels[^1]);
        }
        for (int i = 0; i + 1 < widths.Length; i++)
            parameters += 2 * widths[i] * widths[i + 1] + widths[i + 1] + widths[i]; // encoder layer and its mirror
        if (Variational) parameters += (widths[^2] + 1) * Latent; // the log-variance head beside the code layer
        if (BatchNorm) parameters += 2 * 2 * Hidden.Sum() + (Conv is null ? 0 : 2 * DenseInput); // scale and shift, encoder and decoder
        return parameters;
    }

    /// <summary>Compares by value, including the hidden widths (a record compares lists by reference).</summary>
    public bool Equals(ModelConfig? other) =>
        other is not null && InputSize == other.InputSize && Latent == other.Latent &&
        Activation == other.Activation && Hidden.SequenceEqual(other.Hidden) && Equals(Conv, other.Conv) &&
        BatchNorm == other.BatchNorm && Dropout == other.Dropout && Variational == other.Variational;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(InputSize, Latent, Activation, Hidden.Count);

    /// <summary>A compact description such as <c>784-512-256-2 relu</c> or <c>conv 32-64 → 3136-256-2 relu, batch norm, dropout 0.1</c>.</summary>
    public override string ToString() =>
        $"{(Conv is null ? "" : $"{Conv} → ")}{string.Join('-', new[] { DenseInput }.Concat(Hidden).Append(Latent))} {Activation.ToString().ToLowerInvariant()}" +
        $"{(Variational ? ", variational" : "")}{(BatchNorm ? ", batch norm" : "")}{(Dropout > 0 ? $", dropout {Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "")}";
}
