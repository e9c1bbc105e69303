using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The <see cref="EmbeddingIndex"/> file, little-endian: a 64-byte header (the magic "AEINDEX\n", format
/// version, metric, three zero bytes, dimensions, item count, the encoder's SHA-256 or 32 zero bytes, four
/// zero bytes), the ids (8 bytes each), the codes (4-byte floats, one row per item), from version 2 the
/// partitions of approximate search (their count, 0 for none, then the probes, the centroids as 4-byte floats
/// and each item's partition as a 4-byte integer) and the string keys (their count, 0 for an index of long
/// ids, then each key's UTF-8 length as a 4-byte integer and its bytes; ids are then positions), and a
/// SHA-256 of all that before it.
/// A reader checks every field before it trusts the next, and allocates only as data actually arrives,
/// so a count that claims more than the file holds costs nothing.
/// </summary>
internal static class IndexFile
{
    /// <summary>The format this code writes; a reader refuses newer ones.</summary>
    public const int Version = 2;

    /// <summary>The largest code this format admits.</summary>
    public const int MaxDimensions = 4096;

    private const int HeaderLength = 64, HashLength = 32;
    private static ReadOnlySpan<byte> Magic => "AEINDEX\n"u8;

    /// <summary>What a file holds.</summary>
    public sealed record Contents(DistanceMetric Metric, int Dimensions, string? EncoderSha256, long[] Ids, float[] Codes, Partitioning? Partitioning, string[]? Keys);

    /// <summary>The partitions of approximate search: centroids laid end to end, each item's partition, the probes a search scans.</summary>
    public sealed record Partitioning(float[] Centroids, int[] Assignments, int Probes);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, Contents contents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], Version);
        header[12] = (byte)contents.Metric;
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], contents.Dimensions);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], contents.Ids.Length);
        if (contents.EncoderSha256 is not null) Convert.FromHexString(contents.EncoderSha256).CopyTo(header.Slice(28, HashLength));
        Put(header);
        PutValues(contents.Ids, sizeof(long), static (bytes, value) => BinaryPrimitives.WriteInt64LittleEndian(bytes, value), Put);
        PutValues(contents.Codes, sizeof(float), static (bytes, value) => BinaryPrimitives.WriteSingleLittleEndian(bytes, value), Put);
        Partitioning? partitioning = contents.Partitioning;
        int partitions = partitioning is null ? 0 : partitioning.Centroids.Length / contents.Dimensions;
        PutValues([partitions, partitioning?.Probes ?? 0], sizeof(int), WriteInt32, Put);
        if (partitioning is not null)
        {
            PutValues(partitioning.Centroids, sizeof(float), static (bytes, value) => BinaryPrimitives.WriteSingleLittleEndian(bytes, value), Put);
            PutValues(partitioning.Assignments, sizeof(int), WriteInt32, Put);
        }
        PutValues([contents.Keys?.Length ?? 0], sizeof(int), WriteInt32, Put);
        foreach (string key in contents.Keys ?? [])
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(key);
            PutValues([utf8.Length], sizeof(int), WriteInt32, Put);
            Put(utf8);
        }
        stream.Write(hash.GetHashAndReset());
    }

    private static void WriteInt32(Span<byte> bytes, int value) => BinaryPrimitives.WriteInt32LittleEndian(bytes, value);

    private delegate void Encode<T>(Span<byte> bytes, T value);

    private delegate void Sink(ReadOnlySpan<byte> bytes);

    private static void PutValues<T>(ReadOnlySpan<T> values, int size, Encode<T> encode, Sink put)
    {
        Span<byte> chunk = stackalloc byte[4096];
        for (int at = 0; at < values.Length; at += chunk.Length / size)
        {
            int n = Math.Min(chunk.Length / size, values.Length - at);
            for (int i = 0; i < n; i++) encode(chunk.Slice(i * size, size), values[at + i]);
            put(chunk[..(n * size)]);
        }
    }

    /// <summary>Reads a whole file from <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an index file this version can read; the message says which field and what was found.</exception>
    public static Contents Read(Stream stream, string source)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[HeaderLength];
        ReadExactly(stream, header, hash, source, "the header");
        if (!header[..8].SequenceEqual(Magic))
            throw Bad(source, $"expected an index file starting with \"AEINDEX\\n\", found bytes {Convert.ToHexString(header[..8])}");
        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version is < 1 or > Version)
            throw Bad(source, version > Version
                ? $"written in index format {version}, newer than this library's {Version}: update AutoEncoder.Inference"
                : $"expected index format 1 to {Version}, found {version}");
        var metric = (DistanceMetric)header[12];
        if (!Enum.IsDefined(metric) || header[13] != 0 || header[14] != 0 || header[15] != 0)
            throw Bad(source, $"expected a metric of 0 (Euclidean) or 1 (cosine) and three zero bytes, found {header[12]}, {header[13]}, {header[14]}, {header[15]}");
        int dimensions = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (dimensions is < 1 or > MaxDimensions)
            throw Bad(source, $"expected 1 to {MaxDimensions} dimensions, found {dimensions}");
        long count = BinaryPrimitives.ReadInt64LittleEndian(header[20..]);
        long limit = Array.MaxLength / dimensions;
        if (count < 0 || count > limit)
            throw Bad(source, $"expected 0 to {limit:N0} items of {dimensions} dimensions, found {count:N0}");
        if (stream.CanSeek && stream.Length - stream.Position < count * (sizeof(long) + (long)dimensions * sizeof(float)) + HashLength)
            throw Bad(source, $"expected {count:N0} items of {dimensions} dimensions, found a file too short for them ({stream.Length:N0} bytes): truncated?");
        if (header[60..].ContainsAnyExcept((byte)0))
            throw Bad(source, $"expected four zero bytes after the encoder's hash, found {Convert.ToHexString(header[60..])}");
        ReadOnlySpan<byte> encoder = header.Slice(28, HashLength);
        string? encoderSha256 = encoder.ContainsAnyExcept((byte)0) ? Convert.ToHexString(encoder).ToLowerInvariant() : null;

        long[] ids = ReadValues(stream, (int)count, sizeof(long), hash, source, "the ids", static bytes => BinaryPrimitives.ReadInt64LittleEndian(bytes));
        float[] codes = ReadValues(stream, (int)(count * dimensions), sizeof(float), hash, source, "the codes", static bytes => BinaryPrimitives.ReadSingleLittleEndian(bytes));
        Partitioning? partitioning = version >= 2 ? ReadPartitioning(stream, (int)count, dimensions, hash, source) : null;
        string[]? keys = version >= 2 ? ReadKeys(stream, (int)count, hash, source) : null;
        for (int i = 0; keys is not null && i < ids.Length; i++)
            if (ids[i] != i) throw Bad(source, $"item {i:N0}: expected the id of a keyed item to be its position, found {ids[i]}");
        byte[] expected = hash.GetHashAndReset();
        Span<byte> stored = stackalloc byte[HashLength];
        ReadExactly(stream, stored, null, source, "the checksum");
        if (!stored.SequenceEqual(expected))
            throw Bad(source, $"expected checksum {Convert.ToHexString(expected).ToLowerInvariant()}, found {Convert.ToHexString(stored).ToLowerInvariant()}: the file is corrupted");
        return new Contents(metric, dimensions, encoderSha256, ids, codes, partitioning, keys);
    }

    private static Partitioning? ReadPartitioning(Stream stream, int count, int dimensions, IncrementalHash hash, string source)
    {
        int[] sizes = ReadValues(stream, 2, sizeof(int), hash, source, "the partition count and probes", ReadInt32);
        int partitions = sizes[0], probes = sizes[1];
        if (partitions == 0 && probes == 0) return null;
        if (partitions < 1 || partitions > count || probes < 1 || probes > partitions)
            throw Bad(source, $"expected 1 to {count:N0} partitions (the items) and 1 to that many probes, found {partitions:N0} and {probes:N0}");
        float[] centroids = ReadValues(stream, partitions * dimensions, sizeof(float), hash, source, "the centroids", static bytes => BinaryPrimitives.ReadSingleLittleEndian(bytes));
        if (!centroids.All(float.IsFinite))
            throw Bad(source, "expected finite centroids, found a NaN or infinite value");
        int[] assignments = ReadValues(stream, count, sizeof(int), hash, source, "the items' partitions", ReadInt32);
        int stray = Array.FindIndex(assignments, a => a < 0 || a >= partitions);
        if (stray >= 0)
            throw Bad(source, $"item {stray:N0}: expected a partition from 0 to {partitions - 1}, found {assignments[stray]}");
        return new Partitioning(centroids, assignments, probes);
    }

    private static string[]? ReadKeys(Stream stream, int count, IncrementalHash hash, string source)
    {
        int keys = ReadValues(stream, 1, sizeof(int), hash, source, "the key count", ReadInt32)[0];
        if (keys == 0) return null;
        if (keys != count) throw Bad(source, $"expected 0 keys or one per item ({count:N0}), found {keys:N0}");
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var read = new List<string>(Math.Min(count, 1 << 16));
        Span<byte> buffer = stackalloc byte[EmbeddingIndex.MaxKeyBytes];
        for (int i = 0; i < count; i++)
        {
            int length = ReadValues(stream, 1, sizeof(int), hash, source, "a key's length", ReadInt32)[0];
            if (length is < 1 or > EmbeddingIndex.MaxKeyBytes)
                throw Bad(source, $"key {i:N0}: expected 1 to {EmbeddingIndex.MaxKeyBytes} bytes, found {length:N0}");
            ReadExactly(stream, buffer[..length], hash, source, "a key");
            try
            {
                read.Add(strict.GetString(buffer[..length]));
            }
            catch (DecoderFallbackException)
            {
                throw Bad(source, $"key {i:N0}: expected UTF-8, found bytes that are not");
            }
        }
        return [.. read];
    }

    private static int ReadInt32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes);

    private delegate T Decode<T>(ReadOnlySpan<byte> bytes);

    // Grows the array as bytes arrive (at most 1 MiB ahead of them): a forged count on a short stream
    // ends in "truncated" before it costs memory.
    private static T[] ReadValues<T>(Stream stream, int count, int size, IncrementalHash hash, string source, string what, Decode<T> decode)
    {
        const int Chunk = 1 << 20;
        var values = new T[Math.Min(count, Chunk / size)];
        var buffer = new byte[Math.Min((long)count * size, Chunk)];
        for (int at = 0; at < count;)
        {
            int n = Math.Min(buffer.Length / size, count - at);
            ReadExactly(stream, buffer.AsSpan(0, n * size), hash, source, what);
            if (values.Length < at + n) Array.Resize(ref values, (int)Math.Min(count, Math.Max((long)values.Length * 2, at + n)));
            for (int i = 0; i < n; i++) values[at + i] = decode(buffer.AsSpan(i * size, size));
            at += n;
        }
        return values;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, IncrementalHash? hash, string source, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw Bad(source, $"expected {buffer.Length:N0} more bytes for {what}, found {read:N0}: truncated?");
        hash?.AppendData(buffer);
    }

    private static InvalidDataException Bad(string source, string message) => new($"{source}: {message}");
}
