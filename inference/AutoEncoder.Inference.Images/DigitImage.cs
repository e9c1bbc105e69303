using SkiaSharp;

namespace AutoEncoder.Inference.Images;

/// <summary>
/// Turns a PNG or JPEG of any size into a square grayscale input the way MNIST's digits were made: light
/// ink on black (a dark-on-light image, as a scan or a photo of paper is, is inverted), the ink's bounding
/// box scaled to fit 20/28 of the side with its aspect kept, then placed so that its centre of mass sits in
/// the middle. A model trained on MNIST then sees a drawn or photographed digit as it saw its training digits.
/// </summary>
public static class DigitImage
{
    /// <summary>Images wider or taller than this are refused before decoding: a small PNG can declare a huge canvas.</summary>
    public const int MaxSide = 4096;

    /// <summary>Below this (of 255) a pixel is background noise (JPEG ringing, paper grain), not ink, when finding the digit's box.</summary>
    private const byte InkLevel = 32;

    /// <summary>
    /// The image in <paramref name="encoded"/> (PNG or JPEG) as <paramref name="side"/> × <paramref name="side"/>
    /// bytes, 0 (background) to 255 (ink), row by row. An image with no ink gives all zeros.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is not from 1 to <see cref="MaxSide"/>.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a complete PNG or JPEG, or the image is wider or taller than <see cref="MaxSide"/>.</exception>
    public static byte[] Prepare(ReadOnlySpan<byte> encoded, int side)
    {
        if (side is < 1 or > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(side), side, $"expected a side of 1 to {MaxSide} pixels, found {side}");
        (byte[] ink, int width, int height) = Decode(encoded);
        if (BoundingBox(ink, width, height) is not (int left, int top, int boxWidth, int boxHeight))
            return new byte[side * side];

        int fit = Math.Max(1, (int)Math.Round(side * 20.0 / 28.0));
        double scale = (double)fit / Math.Max(boxWidth, boxHeight);
        int scaledWidth = Math.Max(1, (int)Math.Round(boxWidth * scale));
        int scaledHeight = Math.Max(1, (int)Math.Round(boxHeight * scale));
        byte[] digit = Resize(ink, width, (left, top, boxWidth, boxHeight), scaledWidth, scaledHeight);
        return Centre(digit, scaledWidth, scaledHeight, side);
    }

    private static (byte[] Ink, int Width, int Height) Decode(ReadOnlySpan<byte> encoded)
    {
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec codec = SKCodec.Create(data)
            ?? throw new InvalidDataException("expected a PNG or JPEG image, found data that does not decode as one");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width > MaxSide || height > MaxSide)
            throw new InvalidDataException($"expected an image of at most {MaxSide}x{MaxSide} pixels, found {width}x{height}");
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"expected a complete image, found {result} while decoding");

        // Luminance over a white page (transparent pixels are paper), then light-on-dark.
        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        var gray = new byte[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                ReadOnlySpan<byte> rgba = pixels.Slice(y * bitmap.RowBytes + 4 * x, 4);
                double luminance = 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2];
                double alpha = rgba[3] / 255.0;
                gray[y * width + x] = (byte)Math.Round(alpha * luminance + (1 - alpha) * 255);
            }
        if (BorderMean(gray, width, height) > 127)
            for (int i = 0; i < gray.Length; i++) gray[i] = (byte)(255 - gray[i]);
        return (gray, width, height);
    }

    private static double BorderMean(byte[] gray, int width, int height)
    {
        long sum = 0;
        int count = 0;
        for (int x = 0; x < width; x++) { sum += gray[x] + gray[(height - 1) * width + x]; count += 2; }
        for (int y = 0; y < height; y++) { sum += gray[y * width] + gray[y * width + width - 1]; count += 2; }
        return (double)sum / count;
    }

    private static (int Left, int Top, int Width, int Height)? BoundingBox(byte[] ink, int width, int height)
    {
        int left = width, top = height, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                if (ink[y * width + x] >= InkLevel)
                {
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
        return right < 0 ? null : (left, top, right - left + 1, bottom - top + 1);
    }

    private static byte[] Resize(byte[] ink, int stride, (int Left, int Top, int Width, int Height) box, int width, int height)
    {
        using var crop = new SKBitmap(new SKImageInfo(box.Width, box.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        Span<byte> target = crop.GetPixelSpan();
        for (int y = 0; y < box.Height; y++)
            ink.AsSpan((box.Top + y) * stride + box.Left, box.Width).CopyTo(target.Slice(y * crop.RowBytes, box.Width));
        // Mipmaps average a large drawing down without the aliasing a plain bilinear step would leave.
        using SKBitmap scaled = crop.Resize(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        var digit = new byte[width * height];
        ReadOnlySpan<byte> source = scaled.GetPixelSpan();
        for (int y = 0; y < height; y++) source.Slice(y * scaled.RowBytes, width).CopyTo(digit.AsSpan(y * width));
        return digit;
    }

    private static byte[] Centre(byte[] digit, int width, int height, int side)
    {
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double value = digit[y * width + x];
                mass += value; sumX += value * (x + 0.5); sumY += value * (y + 0.5);
            }
        double centreX = mass > 0 ? sumX / mass : width / 2.0, centreY = mass > 0 ? sumY / mass : height / 2.0;
        // The centre of mass to the middle, as far as the digit stays whole inside the frame.
        int offsetX = Math.Clamp((int)Math.Round(side / 2.0 - centreX), 0, side - width);
        int offsetY = Math.Clamp((int)Math.Round(side / 2.0 - centreY), 0, side - height);
        var image = new byte[side * side];
        for (int y = 0; y < height; y++) digit.AsSpan(y * width, width).CopyTo(image.AsSpan((y + offsetY) * side + offsetX));
        return image;
    }
}
