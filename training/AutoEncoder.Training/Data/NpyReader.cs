using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace AutoEncoder.Training.Data;

/// <summary>
/// Reads NumPy .npy files (format versions 1–3) from a stream: the header first, whose declared size is
/// checked against the file's (or archive entry's) length and against the memory the machine has before
/// anything is allocated, then exactly that many bytes of data, and nothing after them.
/// </summary>
internal static class NpyReader
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    // NumPy pads headers to 64 bytes and rarely writes more than a few hundred; 1 MiB is far beyond any real one.
    const int MaxHeaderBytes = 1 << 20;

    /// <summary>Reads the .npy file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed .npy of a numeric dtype, or too large for this machine.</exception>
    public static NpyArray Read(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Read(stream, stream.Length, Path.GetFileName(path));
    }

    /// <summary>Parses one .npy file held in memory; <paramref name="label"/> only names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed .npy of a numeric dtype.</exception>
    public static NpyArray Parse(byte[] bytes, string label) => Read(new MemoryStream(bytes, writable: false), bytes.Length, label);

    /// <summary>
    /// Reads one .npy of <paramref name="length"/> bytes from <paramref name="stream"/>; every byte read is
    /// added to <paramref name="checksum"/> when one is given (an archive entry's CRC-32).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed .npy of a numeric dtype, their sizes disagree, or the array is too large for this machine.</exception>
    public static NpyArray Read(Stream stream, long length, string label, Crc32? checksum = null)
    {
        var reader = new Reader(stream, label, checksum);
        Span<byte> prefix = stackalloc byte[12];
        if (length < 10 || reader.ReadAtMost(prefix[..10]) < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{label}: expected the .npy magic \\x93NUMPY, found none");
        byte major = prefix[6];
        int lengthSize = major == 1 ? 2 : 4;
        if (major is < 1 or > 3)
            throw new InvalidDataException($"{label}: malformed .npy header (version {major})");
        if (major != 1 && reader.ReadAtMost(prefix[10..12]) < 2)
            throw new InvalidDataException($"{label}: malformed .npy header (version {major}, the file ends in its length)");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
        long dataStart = 8L + lengthSize + headerLength;
        if (headerLength > MaxHeaderBytes || dataStart > length)
            throw new InvalidDataException($"{label}: malformed .npy header (version {major}, length {headerLength}, in a file of {length} bytes)");

        byte[] headerBytes = new byte[headerLength];
        reader.ReadExactly(headerBytes, "its header");
        NpyHeader header = NpyHeader.Parse((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes), label);
        (char order, char kind, int itemSize) = Dtype(header.Descr, label);

        long count = 1;
        foreach (int dim in header.Shape)
            // Saturating, so that large dimensions cannot overflow into a plausible count.
            count = dim > 0 && count > long.MaxValue / dim ? long.MaxValue : count * dim;
        long expected = count > long.MaxValue / itemSize ? long.MaxValue : count * itemSize;
        long found = length - dataStart;
        if (found != expected)
            throw new InvalidDataException(
                $"{label}: header declares shape ({string.Join(", ", header.Shape)}) of {itemSize}-byte elements = {expected} bytes of data, found {found}");
        MemoryBudget.Check(label, header.Shape, expected, count);

        byte[][] chunks = NpyArray.Chunks(expected);
        foreach (byte[] chunk in chunks) reader.ReadExactly(chunk, $"{expected} bytes of data as its header declares");
        if (reader.ReadAtMost(prefix[..1]) > 0)
            throw new InvalidDataException($"{label}: expected {length} bytes as the archive declares, found more");
        return new NpyArray([.. header.Shape], kind, itemSize, order == '>' && itemSize > 1, header.Fortran, chunks, label);
    }

    // '<f4' → ('<', 'f', 4): the dtypes rows and labels can hold.
    static (char Order, char Kind, int ItemSize) Dtype(string descr, string label)
    {
        char order = descr.Length > 0 && descr[0] is '<' or '>' or '|' or '=' ? descr[0] : '|';
        string rest = descr.Length > 0 && descr[0] == order ? descr[1..] : descr;
        if (rest.Length >= 2 && char.IsAsciiLetter(rest[0]) &&
            int.TryParse(rest.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int itemSize) &&
            rest[0] is 'u' or 'i' or 'f' or 'b' && itemSize is 1 or 2 or 4 or 8 && !(rest[0] == 'f' && itemSize < 4))
            return (order, rest[0], itemSize);
        throw new InvalidDataException($"{label}: expected dtype uint8, an integer, float32 or float64, found '{descr}'");
    }

    /// <summary>Reads from the stream, adding what it read to the checksum, and names the file when it ends early.</summary>
    private sealed class Reader(Stream stream, string label, Crc32? checksum)
    {
        private long position;

        public int ReadAtMost(Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer[total..]);
                if (read == 0) break;
                checksum?.Append(buffer.Slice(total, read));
                total += read;
            }
            position += total;
            return total;
        }

        public void ReadExactly(Span<byte> buffer, string what)
        {
            long start = position;
            if (ReadAtMost(buffer) < buffer.Length)
                throw new InvalidDataException($"{label}: expected {what}, found the data end after {position - start} bytes of it (a truncated file?)");
        }
    }
}
