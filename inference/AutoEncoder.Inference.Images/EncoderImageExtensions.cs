namespace AutoEncoder.Inference.Images;

/// <summary>Encoding PNG and JPEG images with an <see cref="Encoder"/> of MNIST-style images, prepared by <see cref="DigitImage"/>.</summary>
public static class EncoderImageExtensions
{
    /// <summary>The side of the square single-channel images <paramref name="encoder"/> takes, from its metadata's <c>image_shape</c>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    /// <exception cref="NotSupportedException">The encoder's metadata declares no square single-channel image (a model of table rows, or of colour images).</exception>
    public static int ImageSide(this Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        // The key the exporter writes (MetadataKeys.ImageShape, which the core package keeps to itself).
        string shape = encoder.Metadata.Properties.GetValueOrDefault("image_shape", "");
        string[] parts = shape.Split(',');
        return parts.Length == 2 && int.TryParse(parts[0], out int height) && int.TryParse(parts[1], out int width) && height == width && height * width == encoder.InputSize
            ? width
            : throw new NotSupportedException($"expected an encoder of square single-channel images (image_shape \"H,W\" with H = W), found image_shape \"{shape}\" and {encoder.InputSize} inputs");
    }

    /// <summary>The code of the image in <paramref name="encoded"/> (PNG or JPEG), prepared as MNIST's digits were made.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    /// <exception cref="NotSupportedException">The encoder does not take square single-channel images (<see cref="ImageSide"/>).</exception>
    /// <exception cref="InvalidDataException">The bytes are not a complete PNG or JPEG, or the image is too large (<see cref="DigitImage.MaxSide"/>).</exception>
    /// <exception cref="ObjectDisposedException">The encoder has been disposed.</exception>
    public static float[] EncodeImage(this Encoder encoder, ReadOnlySpan<byte> encoded) =>
        encoder.Encode(DigitImage.Prepare(encoded, encoder.ImageSide()));

    /// <summary>As <see cref="EncodeImage(Encoder, ReadOnlySpan{byte})"/> for an image read from <paramref name="image"/> to its end (at most 64 MiB); the caller keeps ownership of the stream.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> or <paramref name="image"/> is null.</exception>
    /// <exception cref="NotSupportedException">The encoder does not take square single-channel images.</exception>
    /// <exception cref="InvalidDataException">The stream holds more than 64 MiB, or not a complete PNG or JPEG, or too large an image.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static float[] EncodeImage(this Encoder encoder, Stream image)
    {
        ArgumentNullException.ThrowIfNull(image);
        const int MaxBytes = 64 << 20;
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = image.Read(chunk, 0, chunk.Length)) > 0;)
        {
            if (buffer.Length + read > MaxBytes) throw new InvalidDataException($"expected an image file of at most {MaxBytes:N0} bytes, found more");
            buffer.Write(chunk, 0, read);
        }
        return encoder.EncodeImage(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
