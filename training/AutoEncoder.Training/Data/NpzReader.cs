using System.IO.Compression;

namespace AutoEncoder.Training.Data;

/// <summary>Reads arrays from a NumPy .npz archive such as Keras's <c>mnist.npz</c>.</summary>
internal static class NpzReader
{
    /// <summary>Reads every named array from the archive at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The archive, an entry or its header is malformed, or an array is missing.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path, params string[] names)
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
            var arrays = new Dictionary<string, NpyArray>();
            foreach (string name in names)
            {
                ZipArchiveEntry entry = archive.GetEntry(name + ".npy")
                    ?? throw new InvalidDataException(
                        $"{file}: expected an array '{name}', found only [{string.Join(", ", archive.Entries.Select(e => e.FullName))}]");
                arrays[name] = NpyReader.Parse(ReadEntry(entry, file), $"{file}:{name}");
            }
            return arrays;
        }
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
}
