namespace AutoEncoder.Samples.EncoderService.Api;

/// <summary>Between JSON's arrays of rows and the library's rows laid end to end.</summary>
internal static class Matrix
{
    /// <summary>
    /// The rows end to end, after checking that there are some, at most <paramref name="maxRows"/>, each of
    /// <paramref name="width"/> finite values.
    /// </summary>
    public static float[] Flatten(float[][]? rows, int width, int maxRows, string field)
    {
        if (rows is null) throw RequestRejected.BadRequest($"expected a field \"{field}\" holding a list of rows, found none");
        if (rows.Length == 0) throw RequestRejected.BadRequest($"expected at least one row in \"{field}\", found an empty list");
        RowCount(rows.Length, maxRows, field);
        var flat = new float[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
        {
            float[]? row = rows[r];
            if (row is null || row.Length != width)
                throw RequestRejected.BadRequest($"{field}[{r}]: expected {width} values, found {(row is null ? "null" : row.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            for (int c = 0; c < width; c++)
                if (!float.IsFinite(row[c]))
                    throw RequestRejected.BadRequest($"{field}[{r}][{c}]: expected a finite number, found {row[c].ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            row.CopyTo(flat, r * width);
        }
        return flat;
    }

    /// <summary>Rows sent as raw little-endian float32 values, row after row, after checking the length and that every value is finite.</summary>
    public static float[] FromFloat32(byte[] body, int width, int maxRows)
    {
        int rowBytes = width * sizeof(float);
        if (body.Length % rowBytes != 0)
            throw RequestRejected.BadRequest($"expected float32 rows of {width} values ({rowBytes} bytes each), found {body.Length} bytes, {body.Length % rowBytes} past the last whole row");
        RowCount(body.Length / rowBytes, maxRows, "rows");
        var flat = new float[body.Length / sizeof(float)];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(body.AsSpan(i * sizeof(float)));
            if (!float.IsFinite(flat[i]))
                throw RequestRejected.BadRequest($"row {i / width}, value {i % width}: expected a finite number, found {flat[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        return flat;
    }

    /// <summary>413 beyond <paramref name="maxRows"/> rows: what a request may ask the service to compute and answer.</summary>
    static void RowCount(int rows, int maxRows, string field)
    {
        if (rows > maxRows)
            throw RequestRejected.TooLarge($"expected at most {maxRows} {field} per request (Service:MaxRows), found {rows}", "Too many rows");
    }

    /// <summary>Values as raw little-endian float32, the layout <see cref="FromFloat32"/> reads.</summary>
    public static byte[] ToFloat32(float[] flat)
    {
        var bytes = new byte[flat.Length * sizeof(float)];
        for (int i = 0; i < flat.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), flat[i]);
        return bytes;
    }

    /// <summary>Rows of <paramref name="width"/> values split out of <paramref name="flat"/>.</summary>
    public static float[][] Split(float[] flat, int width)
    {
        var rows = new float[flat.Length / width][];
        for (int r = 0; r < rows.Length; r++) rows[r] = flat.AsSpan(r * width, width).ToArray();
        return rows;
    }
}
