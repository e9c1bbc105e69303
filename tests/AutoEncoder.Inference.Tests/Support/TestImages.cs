using System.Buffers.Binary;
using AutoEncoder.Tests.Support;

namespace AutoEncoder.Inference.Tests.Support;

/// <summary>The real MNIST test images from <c>data/mnist</c> (<c>make test</c> fetches them), read without the training app.</summary>
internal static class TestImages
{
    private static readonly Lazy<byte[]> File = new(() =>
    {
        string path = Path.Combine(Repository.MnistFolder, "t10k-images-idx3-ubyte");
        if (!System.IO.File.Exists(path)) throw new InvalidOperationException($"MNIST is missing at {path}: run 'make data'");
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        // IDX: magic 0x00000803 (unsigned bytes, rank 3), then count, rows, columns, big-endian.
        if (BinaryPrimitives.ReadUInt32BigEndian(bytes) != 0x803) throw new InvalidDataException($"{path}: not an IDX image file");
        return bytes;
    });

    /// <summary>Values per image.</summary>
    public const int Width = 784;

    /// <summary>The first <paramref name="count"/> images as bytes 0–255, row after row.</summary>
    public static byte[] Bytes(int count) => File.Value.AsSpan(16, count * Width).ToArray();

    /// <summary>The digits of the first <paramref name="count"/> images.</summary>
    public static byte[] Labels(int count)
    {
        // IDX labels: magic 0x00000801 (unsigned bytes, rank 1), count, then one byte per label.
        byte[] bytes = System.IO.File.ReadAllBytes(Path.Combine(Repository.MnistFolder, "t10k-labels-idx1-ubyte"));
        return bytes.AsSpan(8, count).ToArray();
    }

    /// <summary>The first <paramref name="count"/> images scaled as training scaled them: byte / 255.</summary>
    public static float[] Pixels(int count) => [.. Bytes(count).Select(b => b / 255f)];
}
