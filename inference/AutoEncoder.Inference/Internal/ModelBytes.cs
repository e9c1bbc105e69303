namespace AutoEncoder.Inference.Internal;

/// <summary>Reads model bytes from a file or stream, refusing oversized input before it is parsed.</summary>
internal static class ModelBytes
{
    /// <summary>The largest model accepted: far above any autoencoder of this shape, far below what hurts.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static byte[] FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"no model file at '{path}'", path);
        EnsureSize(info.Length, path);
        return File.ReadAllBytes(path);
    }

    /// <summary>Reads <paramref name="stream"/> to its end, stopping as soon as it exceeds the limit.</summary>
    public static byte[] FromStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        for (int read; (read = stream.Read(chunk, 0, chunk.Length)) > 0;)
        {
            buffer.Write(chunk, 0, read);
            EnsureSize(buffer.Length, "stream");
        }
        return buffer.ToArray();
    }

    /// <summary>Throws when <paramref name="length"/> exceeds <see cref="MaxBytes"/>.</summary>
    public static void EnsureSize(long length, string source)
    {
        if (length > MaxBytes)
            throw new InvalidDataException(
                $"{source}: expected a model of at most {MaxBytes >> 20} MiB, found {(length > int.MaxValue ? "more than 2 GiB" : $"{length:N0} bytes")}");
        if (length == 0)
            throw new InvalidDataException($"{source}: expected an ONNX model, found an empty file");
    }
}
