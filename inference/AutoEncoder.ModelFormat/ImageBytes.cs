namespace AutoEncoder.ModelFormat;

/// <summary>
/// How image bytes become model inputs: intensities <c>byte / Divisor</c> in [0, 1]. The training readers
/// divide so, the exporter records the divisor in every image model (<see cref="MetadataKeys.InputDivisor"/>),
/// and the library's byte overloads divide by what the model records.
/// </summary>
internal static class ImageBytes
{
    /// <summary>The divisor of an image byte: its largest value.</summary>
    public const float Divisor = 255f;
}
