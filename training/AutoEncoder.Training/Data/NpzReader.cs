using System.IO.Compression;
using System.IO.Hashing;

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
                arrays[name] = ReadEntry(entry, $"{file}:{name}");
            }
            return arrays;
        }
    }

    // Streamed: the .npy header's size is checked against the entry's declared size before any data are
    // allocated, and the entry's CRC-32 against its bytes as they inflate (ZipArchive does not check it).
    static NpyArray ReadEntry(ZipArchiveEntry entry, string label)
    {
        try
        {
            using Stream stream = entry.Open();
            var checksum = new Crc32();
            NpyArray array = NpyReader.Read(stream, entry.Length, label, checksum);
            uint found = checksum.GetCurrentHashAsUInt32();
            if (found != entry.Crc32)
                throw new InvalidDataException($"{label}: expected CRC-32 {entry.Crc32:x8} as the archive records, found {found:x8} (a corrupt entry)");
            return array;
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(label, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{label}: corrupt entry {entry.FullName} ({e.Message})", e);
        }
    }
}
