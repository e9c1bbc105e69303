using System.Buffers.Binary;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Training.Data;

/// <summary>
/// An array read from a .npy file, kept as its raw bytes until converted: <see cref="ToFeatures"/> for
/// rows, <see cref="ToLabels"/> for class labels. Fortran-ordered arrays are reordered to C order on conversion.
/// </summary>
/// <param name="Shape">Size of each dimension, outermost first.</param>
/// <param name="Kind">NumPy's type character: u (unsigned), i (signed) or f (float).</param>
/// <param name="ItemSize">Bytes per element.</param>
/// <param name="BigEndian">Whether multi-byte elements are stored big-endian.</param>
/// <param name="Fortran">Whether the data are in column-major (Fortran) order.</param>
/// <param name="Data">The elements' bytes in chunks of <see cref="ChunkBytes"/> (the last one shorter): an array may hold more than one .NET byte array can.</param>
/// <param name="Label">Names the array in messages (file and entry).</param>
internal sealed record NpyArray(int[] Shape, char Kind, int ItemSize, bool BigEndian, bool Fortran, byte[][] Data, string Label)
{
    /// <summary>Bytes per chunk of <see cref="Data"/>: 1 GiB, a multiple of every item size, so no element straddles two.</summary>
    public const int ChunkBytes = 1 << 30;

    /// <summary>Empty chunks for <paramref name="bytes"/> bytes of data.</summary>
    public static byte[][] Chunks(long bytes)
    {
        var chunks = new byte[(int)((bytes + ChunkBytes - 1) / ChunkBytes)][];
        for (int i = 0; i < chunks.Length; i++) chunks[i] = new byte[(int)Math.Min(ChunkBytes, bytes - (long)i * ChunkBytes)];
        return chunks;
    }

    /// <summary>Number of elements.</summary>
    public long Length => Shape.Aggregate(1L, (product, d) => product * d);

    /// <summary>Size of the outermost dimension (rows).</summary>
    public int Count => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>
    /// The array as rows of float32 features, C order. uint8 arrays are images and become intensities
    /// byte / 255; float32 and float64 keep their values.
    /// </summary>
    /// <exception cref="InvalidDataException">The dtype is not uint8, float32 or float64, or a value is NaN or infinite.</exception>
    public float[] ToFeatures()
    {
        if (!(Kind == 'u' && ItemSize == 1) && !(Kind == 'f' && ItemSize is 4 or 8))
            throw new InvalidDataException($"{Label}: expected dtype uint8, float32 or float64 for features, found {Describe()}");
        var values = new float[Length];
        for (long i = 0; i < values.Length; i++)
        {
            long source = SourceIndex(i);
            float value = Kind == 'u' ? Element(source)[0] / ImageBytes.Divisor : (float)ReadFloat(source);
            if (!float.IsFinite(value))
            {
                int width = (int)(Length / Count);
                throw new InvalidDataException($"{Label}: expected finite numbers, found {ReadFloat(source)} at row {i / width}, column {i % width}");
            }
            values[i] = value;
        }
        return values;
    }

    /// <summary>The array as one non-negative integer label per element (any integer dtype, or floats holding integers).</summary>
    /// <exception cref="InvalidDataException">The array is not one-dimensional, or a value is not a non-negative integer below 2³¹.</exception>
    public int[] ToLabels()
    {
        if (Shape.Length != 1) throw new InvalidDataException($"{Label}: expected labels of shape (N,), found ({string.Join(", ", Shape)})");
        var labels = new int[Length];
        for (int i = 0; i < labels.Length; i++)
        {
            double value = Kind switch
            {
                'u' or 'i' or 'b' => ReadInteger(i),
                'f' => ReadFloat(i),
                _ => throw new InvalidDataException($"{Label}: expected an integer dtype for labels, found {Describe()}"),
            };
            if (!(value >= 0 && value <= int.MaxValue && value == Math.Floor(value)))
                throw new InvalidDataException($"{Label}: expected non-negative integer labels, found {value} at index {i}");
            labels[i] = (int)value;
        }
        return labels;
    }

    /// <summary>The dtype as NumPy writes it, e.g. <c>&lt;f4</c>.</summary>
    public string Describe() => $"{(ItemSize == 1 ? '|' : BigEndian ? '>' : '<')}{Kind}{ItemSize}";

    // Element i in C order is stored at this element index in the file's order.
    private long SourceIndex(long i)
    {
        if (!Fortran || Shape.Length < 2) return i;
        long source = 0, stride = 1, rest = i;
        var index = new long[Shape.Length];
        for (int d = Shape.Length - 1; d >= 0; d--)
        {
            index[d] = rest % Shape[d];
            rest /= Shape[d];
        }
        for (int d = 0; d < Shape.Length; d++)
        {
            source += index[d] * stride;
            stride *= Shape[d];
        }
        return source;
    }

    private ReadOnlySpan<byte> Element(long element)
    {
        long offset = element * ItemSize;
        return Data[(int)(offset / ChunkBytes)].AsSpan((int)(offset % ChunkBytes), ItemSize);
    }

    private double ReadFloat(long element)
    {
        ReadOnlySpan<byte> bytes = Element(element);
        return ItemSize == 4
            ? BigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes)
            : BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes);
    }

    private double ReadInteger(long element)
    {
        ReadOnlySpan<byte> bytes = Element(element);
        bool signed = Kind == 'i';
        return ItemSize switch
        {
            1 => signed ? (sbyte)bytes[0] : bytes[0],
            2 => signed
                ? BigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes)
                : BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => signed
                ? BigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes)
                : BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => signed
                ? BigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes)
                : BigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
    }
}
