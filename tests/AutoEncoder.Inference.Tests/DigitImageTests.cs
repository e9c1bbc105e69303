using AutoEncoder.Inference.Images;
using AutoEncoder.Inference.Tests.Support;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>Images prepared as MNIST's digits were made, whatever their size, polarity and format.</summary>
public sealed class DigitImageTests
{
    // MNIST test image 0 (a 7), drawn onto a canvas of the given size at the given place and scale.
    private static byte[] Drawn(int width, int height, int left, int top, int scale, bool darkOnLight, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        byte[] digit = TestImages.Bytes(1);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        Span<byte> pixels = bitmap.GetPixelSpan();
        pixels.Fill(darkOnLight ? (byte)255 : (byte)0);
        for (int y = 0; y < 28 * scale; y++)
            for (int x = 0; x < 28 * scale; x++)
            {
                byte ink = digit[(y / scale) * 28 + x / scale];
                pixels[(top + y) * bitmap.RowBytes + left + x] = darkOnLight ? (byte)(255 - ink) : ink;
            }
        using SKData data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    private static (double X, double Y) CentreOfMass(byte[] image, int side)
    {
        double mass = 0, x = 0, y = 0;
        for (int i = 0; i < image.Length; i++)
        {
            mass += image[i];
            x += image[i] * (i % side + 0.5);
            y += image[i] * (i / side + 0.5);
        }
        return (x / mass, y / mass);
    }

    [Fact]
    public void Dark_ink_on_a_light_page_prepares_as_light_ink_on_black()
    {
        byte[] light = DigitImage.Prepare(Drawn(100, 80, 10, 5, 2, darkOnLight: false), 28);
        byte[] dark = DigitImage.Prepare(Drawn(100, 80, 10, 5, 2, darkOnLight: true), 28);

        Assert.Equal(light, dark);
    }

    [Fact]
    public void A_digit_anywhere_on_a_large_canvas_is_boxed_into_20_pixels_and_centred_by_mass()
    {
        byte[] prepared = DigitImage.Prepare(Drawn(400, 300, 250, 10, 4, darkOnLight: true), 28);

        int[] inkRows = [.. Enumerable.Range(0, 28).Where(y => Enumerable.Range(0, 28).Any(x => prepared[y * 28 + x] >= 32))];
        int[] inkColumns = [.. Enumerable.Range(0, 28).Where(x => Enumerable.Range(0, 28).Any(y => prepared[y * 28 + x] >= 32))];
        Assert.InRange(Math.Max(inkRows[^1] - inkRows[0], inkColumns[^1] - inkColumns[0]) + 1, 19, 21);
        (double x, double y) = CentreOfMass(prepared, 28);
        // Rounding the offset to whole pixels leaves the centre within one pixel of the middle.
        Assert.InRange(x, 13, 15);
        Assert.InRange(y, 13, 15);
    }

    [Fact]
    public void A_jpeg_prepares_close_to_the_same_png()
    {
        byte[] png = DigitImage.Prepare(Drawn(120, 120, 30, 30, 2, darkOnLight: true), 28);
        byte[] jpeg = DigitImage.Prepare(Drawn(120, 120, 30, 30, 2, darkOnLight: true, SKEncodedImageFormat.Jpeg), 28);

        // JPEG at quality 95 rings near edges: a few grey levels on average, not a different digit.
        Assert.InRange(png.Zip(jpeg, (a, b) => Math.Abs(a - b)).Average(), 0, 8);
    }

    [Fact]
    public void A_prepared_photo_of_a_digit_encodes_near_the_digit_itself()
    {
        using Encoder encoder = Encoder.LoadDefault();
        float[] own = encoder.Encode(TestImages.Bytes(1));
        float[] other = encoder.Encode(TestImages.Bytes(2).AsSpan(784, 784)); // test image 1, a 2

        float[] photo = encoder.EncodeImage(new MemoryStream(Drawn(300, 200, 40, 20, 5, darkOnLight: true, SKEncodedImageFormat.Jpeg)));

        double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (p, q) => (p - q) * (p - q)).Sum());
        Assert.True(Distance(photo, own) < Distance(photo, other), $"code {string.Join(", ", photo)}: nearer the 2 than the 7");
    }

    [Fact]
    public void A_blank_image_prepares_to_zeros()
    {
        using var bitmap = new SKBitmap(50, 50);
        bitmap.Erase(SKColors.White);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        Assert.All(DigitImage.Prepare(data.ToArray(), 28), value => Assert.Equal(0, value));
    }

    [Fact]
    public void Bytes_that_are_not_an_image_are_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => DigitImage.Prepare("not an image"u8, 28));

        Assert.Equal("expected a PNG or JPEG image, found data that does not decode as one", error.Message);
    }

    [Fact]
    public void A_canvas_wider_than_4096_pixels_is_refused_before_decoding()
    {
        using var bitmap = new SKBitmap(5000, 1);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        var error = Assert.Throws<InvalidDataException>(() => DigitImage.Prepare(data.ToArray(), 28));

        Assert.Equal("expected an image of at most 4096x4096 pixels, found 5000x1", error.Message);
    }

    [Fact]
    public void The_side_comes_from_the_encoders_image_shape()
    {
        using Encoder encoder = Encoder.LoadDefault();

        Assert.Equal(28, encoder.ImageSide());
    }
}
