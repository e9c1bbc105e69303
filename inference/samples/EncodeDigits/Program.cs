// Encodes MNIST test digits with the encoder embedded in the AutoEncoder.Inference package and prints
// each digit's label and 2-D code. Usage: EncodeDigits <t10k-images-idx3-ubyte> <t10k-labels-idx1-ubyte> [count]
using System.Buffers.Binary;
using AutoEncoder.Inference;

if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: EncodeDigits <images-idx3-ubyte> <labels-idx1-ubyte> [count]");
    return 2;
}

try
{
    byte[] images = ReadIdx(args[0], dimensions: 3);
    byte[] labels = ReadIdx(args[1], dimensions: 1);
    int count = args.Length == 3 ? int.Parse(args[2]) : 10;
    count = Math.Min(count, labels.Length);

    using var encoder = Encoder.LoadDefault();
    Console.WriteLine($"encoder: {encoder.InputSize} → {encoder.EmbeddingSize}, test BCE {encoder.Metadata.TestBce:F4}");
    for (int i = 0; i < count; i++)
    {
        float[] code = encoder.Encode(images.AsSpan(i * encoder.InputSize, encoder.InputSize));
        Console.WriteLine($"digit {labels[i]}  code [{string.Join(", ", code.Select(c => c.ToString("F4")))}]");
    }
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// A minimal IDX reader (unsigned bytes): magic 0x0000080N, N big-endian dimensions, then the data.
static byte[] ReadIdx(string path, int dimensions)
{
    byte[] bytes = File.ReadAllBytes(path);
    int header = 4 + 4 * dimensions;
    if (bytes.Length < header || BinaryPrimitives.ReadUInt32BigEndian(bytes) != (uint)(0x0800 | dimensions))
        throw new InvalidDataException($"{path}: expected an IDX file of unsigned bytes with {dimensions} dimensions");
    return bytes[header..];
}
