using System.Globalization;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference;

/// <summary>
/// What an AutoEncoder ONNX model says about itself: its role, sizes, how inputs are scaled, how it was
/// trained, and how closely it matched the training framework at export.
/// </summary>
public sealed class ModelMetadata
{
    internal ModelMetadata(IReadOnlyDictionary<string, string> properties, string producer, string description, string sha256)
    {
        Sha256 = sha256;
        Properties = properties;
        Producer = producer;
        Description = description;
    }

    /// <summary>
    /// The SHA-256 of the model's bytes as loaded, as 64 lower-case hex digits: what an <see cref="EmbeddingIndex"/>
    /// records of the encoder that made its codes, so that it is never searched with another one's.
    /// </summary>
    public string Sha256 { get; }

    /// <summary>The model's role: <c>encoder</c>, <c>decoder</c> or <c>autoencoder</c>.</summary>
    public string Role => Properties.GetValueOrDefault(MetadataKeys.Role, "");

    /// <summary>Divisor that maps a stored pixel byte (0–255) to the model's input, as in training (255).</summary>
    public float InputDivisor => Number(MetadataKeys.InputDivisor) is { } divisor ? (float)divisor : ImageBytes.Divisor;

    /// <summary>The training configuration as JSON (architecture, epochs, batch size, learning rate, seed).</summary>
    public string TrainingConfiguration => Properties.GetValueOrDefault(MetadataKeys.TrainingConfig, "");

    /// <summary>Mean per-pixel binary cross-entropy of the full model on the MNIST test set, if recorded.</summary>
    public double? TestBce => Number(MetadataKeys.TestBce);

    /// <summary>Max |ONNX Runtime − TorchSharp| over the test images, measured at export, if recorded.</summary>
    public double? Parity => Number(MetadataKeys.ParityMaxAbsDiff);

    /// <summary>Name and version of the program that wrote the model.</summary>
    public string Producer { get; }

    /// <summary>The model's documentation string.</summary>
    public string Description { get; }

    /// <summary>Every metadata property of the model, as stored.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    private double? Number(string key) =>
        Properties.TryGetValue(key, out string? text) &&
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : null;
}
