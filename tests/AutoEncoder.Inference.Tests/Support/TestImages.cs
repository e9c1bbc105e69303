using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Inference.Tests.Support;

/// <summary>The real MNIST test images from <c>data/mnist</c> (<c>make test</c> fetches them), read without the training app.</summary>
internal static class TestImages
{
    private static readonly Lazy<byte[]> Images = new(() => Read("t10k-images-idx3-ubyte", 3));

    private static byte[] Read(string file, int dimensions)
    {
        string path = Path.Combine(Repository.MnistFolder, file);
        if (!File.Exists(path)) throw new InvalidOperationException($"MNIST is missing at {path}: run 'make data'");
        return IdxReader.Read(path, dimensions).Data;
    }

    /// <summary>Values per image.</summary>
    public const int Width = 784;

    /// <summary>The first <paramref name="count"/> images as bytes 0–255, row after row.</summary>
    public static byte[] Bytes(int count) => Images.Value.AsSpan(0, count * Width).ToArray();

    /// <summary>The digits of the first <paramref name="count"/> images.</summary>
    public static byte[] Labels(int count)
    {
        return Read("t10k-labels-idx1-ubyte", 1).AsSpan(0, count).ToArray();
    }

    /// <summary>The first <paramref name="count"/> images scaled as training scaled them: byte / 255.</summary>
    public static float[] Pixels(int count) => [.. Bytes(count).Select(b => b / 255f)];
}
