namespace AutoEncoder.Inference.Internal;

/// <summary>Turns stored pixel bytes into model inputs exactly as training did: pixel / divisor.</summary>
internal static class PixelScaling
{
    /// <summary>Writes <c>pixels[i] / divisor</c> into <paramref name="destination"/>.</summary>
    public static void Scale(ReadOnlySpan<byte> pixels, float divisor, Span<float> destination)
    {
        // Division, not multiplication by 1/divisor: the two differ in the last bit for some bytes,
        // and training divided.
        for (int i = 0; i < pixels.Length; i++) destination[i] = pixels[i] / divisor;
    }
}
