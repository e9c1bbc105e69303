using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoEncoder.Samples;

/// <summary>The unsigned-byte IDX files MNIST and Fashion-MNIST ship in, raw or gzipped.</summary>
internal static class IdxFile
{
    /// <summary>Reads an IDX file of unsigned bytes: its dimensions (big-endian) and its data.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not IDX of unsigned bytes, or is shorter than its header says.</exception>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var raw = new MemoryStream();
            gzip.CopyTo(raw);
            bytes = raw.ToArray();
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] is 0)
            throw new InvalidDataException($"{path}: expected an IDX file of unsigned bytes (magic 00 00 08 0N), found {Convert.ToHexString(bytes.AsSpan(0, Math.Min(4, bytes.Length)))}");
        int rank = bytes[3];
        int header = 4 + 4 * rank;
        if (bytes.Length < header)
            throw new InvalidDataException($"{path}: expected a {header}-byte header, found {bytes.Length} bytes");
        var shape = new int[rank];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            count *= shape[i];
        }
        if (bytes.Length - header != count)
            throw new InvalidDataException($"{path}: expected {count} data bytes for shape [{string.Join(", ", shape)}], found {bytes.Length - header}");
        return (shape, bytes[header..]);
    }
}
