using System.Buffers.Binary;
using System.IO.Compression;

namespace AutoEncoder.Training.Data;

/// <summary>Reads IDX files (the format MNIST is published in), raw or gzip-compressed.</summary>
internal static class IdxReader
{
    const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX file of unsigned bytes with <paramref name="dimensions"/> dimensions.</summary>
    /// <exception cref="InvalidDataException">The header or length does not match what it declares.</exception>
    public static IdxArray Read(string path, int dimensions)
    {
        string name = Path.GetFileName(path);
        byte[] bytes = Decompress(File.ReadAllBytes(path), name);
        return Parse(bytes, dimensions, name);
    }

    /// <summary>Parses IDX bytes already in memory; <paramref name="name"/> only labels errors.</summary>
    public static IdxArray Parse(byte[] bytes, int dimensions, string name)
    {
        int headerLength = 4 + 4 * dimensions;
        if (bytes.Length < headerLength)
            throw new InvalidDataException(
                $"{name}: expected an IDX header of {headerLength} bytes, found a file of {bytes.Length} bytes");

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        uint expectedMagic = (uint)(UnsignedByteType << 8 | dimensions);
        if (magic != expectedMagic)
            throw new InvalidDataException(
                $"{name}: expected IDX magic 0x{expectedMagic:X8} (unsigned bytes, {dimensions} dimensions), found 0x{magic:X8}");

        var shape = new int[dimensions];
        long count = 1;
        for (int d = 0; d < dimensions; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (shape[d] <= 0)
                throw new InvalidDataException($"{name}: expected positive dimension {d}, found {shape[d]}");
            // Saturating, so that large dimensions cannot overflow into a plausible count.
            count = count > long.MaxValue / shape[d] ? long.MaxValue : count * shape[d];
        }

        long found = bytes.Length - headerLength;
        if (found != count)
            throw new InvalidDataException(
                $"{name}: header declares {string.Join('x', shape)} = {count} bytes of data, found {found}");

        return new IdxArray(shape, bytes[headerLength..]);
    }

    static byte[] Decompress(byte[] bytes, string name)
    {
        bool gzip = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
        if (!gzip) return bytes;
        try
        {
            using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{name}: corrupt gzip stream ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name}: truncated gzip stream", e);
        }
    }
}
