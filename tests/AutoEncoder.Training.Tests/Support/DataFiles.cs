using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>Writes small IDX and .npz files for reader tests.</summary>
internal static class DataFiles
{
    /// <summary>IDX bytes: magic (0x08 = unsigned bytes, rank), big-endian dimensions, then data.</summary>
    public static byte[] Idx(int[] dims, byte[] data, uint? magic = null)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic ?? (uint)(0x0800 | dims.Length));
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>Images of <paramref name="count"/> × 28 × 28 with a recognisable pattern.</summary>
    public static byte[] Images(int count) => Enumerable.Range(0, count * 784).Select(i => (byte)(i * 7 % 256)).ToArray();

    /// <summary>Labels 0, 1, …, 9, 0, … .</summary>
    public static byte[] Labels(int count) => Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();

    /// <summary>gzip-compresses <paramref name="bytes"/>.</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>Writes a folder of the four MNIST IDX files with <paramref name="train"/> and <paramref name="test"/> images.</summary>
    public static void WriteMnistFolder(string folder, int train = 20, int test = 10, bool gzip = false)
    {
        void Write(string name, byte[] bytes) =>
            File.WriteAllBytes(Path.Combine(folder, gzip ? name + ".gz" : name), gzip ? Gzip(bytes) : bytes);
        Write("train-images-idx3-ubyte", Idx([train, 28, 28], Images(train)));
        Write("train-labels-idx1-ubyte", Idx([train], Labels(train)));
        Write("t10k-images-idx3-ubyte", Idx([test, 28, 28], Images(test)));
        Write("t10k-labels-idx1-ubyte", Idx([test], Labels(test)));
    }

    /// <summary>One .npy file (format 1.0) holding <paramref name="data"/> with the given dtype and shape.</summary>
    public static byte[] Npy(int[] shape, byte[] data, string descr = "|u1", bool fortran = false)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string header = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': ({dims}), }}";
        // Format 1.0 pads the 10-byte preamble plus header to a multiple of 64, ending in a newline.
        int total = (10 + header.Length + 1 + 63) / 64 * 64;
        header = header.PadRight(total - 10 - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8)]);
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>Intensities byte / 255 of <paramref name="bytes"/>, as the readers produce them from image bytes.</summary>
    public static float[] Intensities(byte[] bytes) => [.. bytes.Select(b => b / 255f)];

    /// <summary>Labels as the readers produce them.</summary>
    public static int[] Ints(byte[] labels) => [.. labels.Select(l => (int)l)];

    /// <summary>Writes an .npz archive of the given named .npy entries.</summary>
    public static void WriteNpz(string path, IReadOnlyDictionary<string, byte[]> entries)
    {
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string name, byte[] npy) in entries)
        {
            using Stream stream = archive.CreateEntry(name + ".npy").Open();
            stream.Write(npy);
        }
    }

    /// <summary>A valid Keras-style mnist.npz with <paramref name="train"/> and <paramref name="test"/> images.</summary>
    public static Dictionary<string, byte[]> KerasEntries(int train = 20, int test = 10) => new()
    {
        ["x_train"] = Npy([train, 28, 28], Images(train)),
        ["y_train"] = Npy([train], Labels(train)),
        ["x_test"] = Npy([test, 28, 28], Images(test)),
        ["y_test"] = Npy([test], Labels(test)),
    };
}
