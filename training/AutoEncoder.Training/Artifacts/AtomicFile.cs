namespace AutoEncoder.Training.Artifacts;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content: data goes to a
/// temporary file in the same folder, which is renamed over the target only after it was fully written.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the target is untouched.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> if needed and checks that files can be written in it, by writing and
    /// deleting a temporary one: a read-only output folder is then refused before the first epoch, not after
    /// the last.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created or written.</exception>
    public static void EnsureWritableFolder(string folder)
    {
        string probe = Path.Combine(Path.GetFullPath(folder), $".write-check.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"{folder}: expected an output folder training can write, found one it cannot ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }
}
