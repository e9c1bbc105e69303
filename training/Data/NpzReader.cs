using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoEncoder.Training.Data;

/// <summary>Reads uint8 arrays from a NumPy .npz archive such as Keras's <c>mnist.npz</c>.</summary>
internal static partial class NpzReader
{
    static readonly byte[] NpyMagic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads every named array from the archive at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The archive, an entry or its header is malformed, an
    /// array is missing, or it is not C-ordered uint8.</exception>
    public static IReadOnlyDictionary<string, IdxArray> Read(string path, params string[] names)
    {
        string file = Path.GetFileName(path);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{file}: expected a zip archive (.npz), found none ({e.Message})", e);
        }

        using (archive)
        {
            var arrays = new Dictionary<string, IdxArray>();
            foreach (string name in names)
            {
                ZipArchiveEntry entry = archive.GetEntry(name + ".npy")
                    ?? throw new InvalidDataException(
                        $"{file}: expected an array '{name}', found only [{string.Join(", ", archive.Entries.Select(e => e.FullName))}]");
                arrays[name] = ParseNpy(ReadEntry(entry, file), $"{file}:{name}");
            }
            return arrays;
        }
    }

    /// <summary>Parses one .npy file held in memory; <paramref name="label"/> only labels errors.</summary>
    public static IdxArray ParseNpy(byte[] bytes, string label)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(NpyMagic))
            throw new InvalidDataException($"{label}: expected the .npy magic \\x93NUMPY, found none");

        byte major = bytes[6];
        int headerLengthSize = major == 1 ? 2 : 4;
        int headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
            : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        long dataStart = 8L + headerLengthSize + headerLength;
        if (major is < 1 or > 3 || headerLength < 0 || dataStart > bytes.Length)
            throw new InvalidDataException($"{label}: malformed .npy header (version {major}, length {headerLength})");

        string header = Encoding.Latin1.GetString(bytes, 8 + headerLengthSize, headerLength);
        string descr = DescrPattern().Match(header).Groups[1].Value;
        if (descr is not ("|u1" or "<u1" or ">u1"))
            throw new InvalidDataException($"{label}: expected dtype uint8 ('|u1'), found '{descr}'");
        if (FortranPattern().Match(header).Groups[1].Value != "False")
            throw new InvalidDataException($"{label}: expected C-ordered data (fortran_order False)");

        Match shapeMatch = ShapePattern().Match(header);
        if (!shapeMatch.Success)
            throw new InvalidDataException($"{label}: .npy header has no shape");
        string[] dims = shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shape = new int[dims.Length];
        long count = 1, found = bytes.Length - dataStart;
        for (int d = 0; d < dims.Length; d++)
        {
            if (!int.TryParse(dims[d], NumberStyles.None, CultureInfo.InvariantCulture, out shape[d]))
                throw new InvalidDataException($"{label}: expected a shape of non-negative integers, found '{dims[d]}' in ({shapeMatch.Groups[1].Value})");
            // Saturating, so that large dimensions cannot overflow into a plausible count.
            count = shape[d] > 0 && count > long.MaxValue / shape[d] ? long.MaxValue : count * shape[d];
        }
        if (found != count)
            throw new InvalidDataException(
                $"{label}: header declares shape ({string.Join(", ", shape)}) = {count} bytes of data, found {found}");

        return new IdxArray(shape, bytes[(int)dataStart..]);
    }

    static byte[] ReadEntry(ZipArchiveEntry entry, string file)
    {
        try
        {
            using Stream stream = entry.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{file}: corrupt entry {entry.FullName} ({e.Message})", e);
        }
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order':\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
