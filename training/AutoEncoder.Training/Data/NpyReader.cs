using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoEncoder.Training.Data;

/// <summary>Reads NumPy .npy files (format versions 1–3): the header's dtype, order and shape, then the data.</summary>
internal static partial class NpyReader
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads the .npy file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed .npy of a numeric dtype.</exception>
    public static NpyArray Read(string path) => Parse(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>Parses one .npy file held in memory; <paramref name="label"/> only names it in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed .npy of a numeric dtype.</exception>
    public static NpyArray Parse(byte[] bytes, string label)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"{label}: expected the .npy magic \\x93NUMPY, found none");

        byte major = bytes[6];
        int headerLengthSize = major == 1 ? 2 : 4;
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
            : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        long dataStart = 8L + headerLengthSize + headerLength;
        if (major is < 1 or > 3 || dataStart > bytes.Length)
            throw new InvalidDataException($"{label}: malformed .npy header (version {major}, length {headerLength})");

        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes, 8 + headerLengthSize, (int)headerLength);
        Match descr = DescrPattern().Match(header);
        if (!descr.Success)
            throw new InvalidDataException($"{label}: expected a numeric dtype such as '<f4' in the header, found {header.Trim()}");
        char order = descr.Groups[1].Value is [var o] ? o : '|';
        char kind = descr.Groups[2].Value[0];
        int itemSize = int.Parse(descr.Groups[3].Value, CultureInfo.InvariantCulture);
        if (kind is not ('u' or 'i' or 'f' or 'b') || itemSize is not (1 or 2 or 4 or 8) || (kind == 'f' && itemSize < 4))
            throw new InvalidDataException($"{label}: expected dtype uint8, an integer, float32 or float64, found '{descr.Value.Split(':')[^1].Trim(' ', '\'')}'");
        bool bigEndian = order == '>' && itemSize > 1;

        string fortran = FortranPattern().Match(header).Groups[1].Value;
        if (fortran is not ("True" or "False"))
            throw new InvalidDataException($"{label}: .npy header has no fortran_order");

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
        long expected = count > long.MaxValue / itemSize ? long.MaxValue : count * itemSize;
        if (found != expected)
            throw new InvalidDataException(
                $"{label}: header declares shape ({string.Join(", ", shape)}) of {itemSize}-byte elements = {expected} bytes of data, found {found}");

        return new NpyArray(shape, kind, itemSize, bigEndian, fortran == "True", bytes[(int)dataStart..], label);
    }

    [GeneratedRegex(@"'descr':\s*'([<>|=]?)([a-zA-Z])(\d+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order':\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
