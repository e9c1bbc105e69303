namespace AutoEncoder.Training.Data;

/// <summary>One split of MNIST (train or test): images as bytes and their digit labels.</summary>
/// <param name="Images">Count × 784 pixels, row-major, 0–255.</param>
/// <param name="Labels">One digit, 0–9, per image.</param>
internal sealed record MnistSplit(byte[] Images, byte[] Labels)
{
    /// <summary>Pixels per image (28 × 28).</summary>
    public const int PixelCount = 28 * 28;

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The images as float32 in [0, 1], computed as <c>x / 255</c> exactly as the seed does.</summary>
    public float[] ScaledPixels()
    {
        var pixels = new float[Images.Length];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Images[i] / 255f;
        return pixels;
    }

    /// <summary>The images at <paramref name="rows"/>, in that order.</summary>
    public MnistSplit Pick(IReadOnlyList<int> rows)
    {
        var images = new byte[rows.Count * PixelCount];
        for (int r = 0; r < rows.Count; r++) Images.AsSpan(rows[r] * PixelCount, PixelCount).CopyTo(images.AsSpan(r * PixelCount));
        return new MnistSplit(images, [.. rows.Select(r => Labels[r])]);
    }

    /// <summary>The first <paramref name="count"/> images and labels (or all of them, if fewer).</summary>
    public MnistSplit Take(int count)
    {
        count = Math.Min(count, Count);
        return new MnistSplit(Images[..(count * PixelCount)], Labels[..count]);
    }
}
