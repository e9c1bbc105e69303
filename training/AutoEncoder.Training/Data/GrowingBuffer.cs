namespace AutoEncoder.Training.Data;

/// <summary>Rows of floats appended one at a time into one array that doubles as it fills (no per-row allocation).</summary>
internal sealed class GrowingBuffer(int width)
{
    private float[] values = new float[Math.Max(width, 1) * 1024];
    private long length;

    /// <summary>Rows appended so far.</summary>
    public int Count => (int)(length / width);

    /// <summary>Space for the next row, to be filled by the caller.</summary>
    public Span<float> Append()
    {
        if (length + width > values.Length)
        {
            long grown = Math.Min(Math.Max(values.Length * 2L, length + width), Array.MaxLength);
            if (grown < length + width) throw new InvalidDataException($"expected at most {Array.MaxLength:N0} values in memory, found more");
            Array.Resize(ref values, (int)grown);
        }
        Span<float> row = values.AsSpan((int)length, width);
        length += width;
        return row;
    }

    /// <summary>The rows appended, trimmed to size.</summary>
    public float[] ToArray() => values[..(int)length];
}
