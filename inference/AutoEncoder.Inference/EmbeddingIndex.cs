using AutoEncoder.Inference.Internal;

namespace AutoEncoder.Inference;

/// <summary>
/// Finds the stored codes nearest to a query: "find similar items" over an encoder's codes. Search is exact
/// (every stored code is compared, with vector instructions, and large indexes are split across cores)
/// unless the index is partitioned for approximate search (<see cref="Partition(int, int, int)"/>), and
/// always deterministic: results are sorted by distance, ties by id. Items are named by <c>long</c> ids or,
/// in an index built that way, by string keys (<see cref="KeyOf"/>), whose ties go by the order they were
/// added. Queries may be codes or, when the index is bound to an <see cref="Encoder"/>, raw rows that are
/// encoded on the way.
/// Searches are safe to run from many threads at once. <see cref="Add(long, ReadOnlySpan{float})"/> and its
/// batch forms are single-writer: they must not run beside any other call on the same index.
/// </summary>
public sealed class EmbeddingIndex
{
    /// <summary>The largest k a search accepts.</summary>
    public const int MaxK = 10_000;

    // Least stored values (items × dimensions) for a single query to be split across cores: below it, waking
    // another thread costs more than half the scan.
    private const long MinValuesPerThread = 1 << 18;

    private readonly CodeBlocks blocks;
    private readonly HashSet<long> known = [];
    private readonly Encoder? encoder;
    private long[] ids = [];
    private float[] codes = [];
    private Partitions? partitions;
    private int probes;

    // String keys, by position, when items are added by key; their ids are then their positions.
    private List<string>? keys;
    private readonly Dictionary<string, int> keyIds = new(StringComparer.Ordinal);

    private EmbeddingIndex(int dimensions, DistanceMetric metric, Encoder? encoder, string? encoderSha256)
    {
        if (dimensions is < 1 or > IndexFile.MaxDimensions)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"expected 1 to {IndexFile.MaxDimensions} dimensions, found {dimensions}");
        if (!Enum.IsDefined(metric))
            throw new ArgumentOutOfRangeException(nameof(metric), metric, "expected DistanceMetric Euclidean or Cosine");
        Dimensions = dimensions;
        Metric = metric;
        this.encoder = encoder;
        EncoderSha256 = encoderSha256;
        blocks = new CodeBlocks(dimensions);
    }

    /// <summary>Values per code.</summary>
    public int Dimensions { get; }

    /// <summary>How distances are measured.</summary>
    public DistanceMetric Metric { get; }

    /// <summary>Items stored.</summary>
    public int Count => blocks.Count;

    /// <summary>How many partitions approximate search chooses among (faiss's <c>nlist</c>), or 0 while the index is exact only.</summary>
    public int Partitions => partitions?.Count ?? 0;

    /// <summary>
    /// How many of the nearest partitions a search scans (faiss's <c>nprobe</c>): more finds more of the true
    /// neighbours and costs time in proportion; <see cref="Partitions"/> scans them all, which is exact search.
    /// 0 while the index is exact only. Setting it does not wait for searches already running.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set on an index that is not partitioned.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1 or more than <see cref="Partitions"/>.</exception>
    public int Probes
    {
        get => probes;
        set
        {
            if (partitions is null) throw new InvalidOperationException("this index is not partitioned: call Partition first");
            probes = CheckProbes(value, partitions.Count, nameof(value));
        }
    }

    /// <summary>The SHA-256 of the encoder the codes came from (<see cref="ModelMetadata.Sha256"/>), or null when the index was built from bare codes.</summary>
    public string? EncoderSha256 { get; }

    /// <summary>An empty index of codes with <paramref name="dimensions"/> values, by Euclidean distance, not bound to an encoder.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not from 1 to 4,096.</exception>
    public static EmbeddingIndex Create(int dimensions) => Create(dimensions, DistanceMetric.Euclidean);

    /// <summary>An empty index of codes with <paramref name="dimensions"/> values, not bound to an encoder.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimensions"/> is not from 1 to 4,096, or <paramref name="metric"/> is not a defined value.</exception>
    public static EmbeddingIndex Create(int dimensions, DistanceMetric metric) => new(dimensions, metric, null, null);

    /// <summary>
    /// An empty index of <paramref name="encoder"/>'s codes, bound to it: rows can be added and searched as
    /// they are, and a saved copy records the encoder's SHA-256. The index does not own the encoder.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    public static EmbeddingIndex Create(Encoder encoder) => Create(encoder, DistanceMetric.Euclidean);

    /// <summary>
    /// An empty index of <paramref name="encoder"/>'s codes, bound to it: rows can be added and searched as
    /// they are, and a saved copy records the encoder's SHA-256. The index does not own the encoder.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="metric"/> is not a defined value.</exception>
    public static EmbeddingIndex Create(Encoder encoder, DistanceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return new EmbeddingIndex(encoder.EmbeddingSize, metric, encoder, encoder.Metadata.Sha256);
    }

    /// <summary>Stores <paramref name="code"/> under <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">The code has the wrong length, holds a NaN or infinite value, is zero under the cosine metric, or the id is already stored.</exception>
    public void Add(long id, ReadOnlySpan<float> code) => AddRange([id], code);

    /// <summary>Stores codes laid end to end in <paramref name="codes"/>, one per id, in order.</summary>
    /// <exception cref="ArgumentException">The lengths disagree, a code holds a NaN or infinite value or is zero under the cosine metric, or an id is repeated or already stored; nothing is stored then.</exception>
    public void AddRange(ReadOnlySpan<long> ids, ReadOnlySpan<float> codes)
    {
        if (keys is not null)
            throw new InvalidOperationException($"this index holds {Count} items added by string key: add more by key");
        Store(ids, codes);
    }

    // Checks and stores codes under ids: all of them, or none when one is refused.
    private void Store(ReadOnlySpan<long> ids, ReadOnlySpan<float> codes)
    {
        InputGuard.BatchLength(codes.Length, ids.Length, Dimensions, "codes", nameof(codes));
        for (int i = 0; i < ids.Length; i++)
        {
            ReadOnlySpan<float> code = codes.Slice(i * Dimensions, Dimensions);
            if (!InputGuard.AllFinite(code)) InputGuard.ThrowNotFinite(codes, nameof(codes));
            if (Metric == DistanceMetric.Cosine && Norm(code) == 0)
                throw new ArgumentException($"code {i}: expected a code of non-zero length for the cosine metric, found all zeros", nameof(codes));
        }
        var adding = new HashSet<long>(ids.Length);
        foreach (long id in ids)
        {
            if (known.Contains(id)) throw new ArgumentException($"expected ids not yet stored, found {id}, which is stored already", nameof(ids));
            if (!adding.Add(id)) throw new ArgumentException($"expected ids not yet stored, found {id} twice in the batch", nameof(ids));
        }

        EnsureCapacity(Count + ids.Length);
        Span<float> unit = Dimensions <= 1024 ? stackalloc float[Dimensions] : new float[Dimensions];
        for (int i = 0; i < ids.Length; i++)
        {
            ReadOnlySpan<float> code = codes.Slice(i * Dimensions, Dimensions);
            code.CopyTo(this.codes.AsSpan(Count * Dimensions));
            this.ids[Count] = ids[i];
            ReadOnlySpan<float> stored = Metric == DistanceMetric.Cosine ? Normalise(code, unit) : code;
            blocks.Append(stored, ids[i]);
            partitions?.Append(stored, ids[i], partitions.Nearest(stored));
            known.Add(ids[i]);
        }
    }

    /// <summary>The longest string key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>Stores <paramref name="code"/> under the string <paramref name="key"/> (its id is its position).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException">As for <see cref="AddRange(IReadOnlyList{string}, ReadOnlySpan{float})"/>.</exception>
    /// <exception cref="InvalidOperationException">The index holds items added by <c>long</c> id.</exception>
    public void Add(string key, ReadOnlySpan<float> code)
    {
        ArgumentNullException.ThrowIfNull(key);
        AddRange([key], code);
    }

    /// <summary>
    /// Stores codes laid end to end in <paramref name="codes"/> under string keys, one per key, in order. An
    /// index holds either string keys or <c>long</c> ids; a result's <see cref="Neighbor.Id"/> is then the
    /// item's position, which <see cref="KeyOf"/> turns into its key.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">
    /// The lengths disagree, a key is empty, longer than <see cref="MaxKeyBytes"/> in UTF-8, repeated or already
    /// stored, or a code is refused as by <see cref="AddRange(ReadOnlySpan{long}, ReadOnlySpan{float})"/>; nothing
    /// is stored then.
    /// </exception>
    /// <exception cref="InvalidOperationException">The index holds items added by <c>long</c> id.</exception>
    public void AddRange(IReadOnlyList<string> keys, ReadOnlySpan<float> codes)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (this.keys is null && Count > 0)
            throw new InvalidOperationException($"this index holds {Count} items added by long id: string keys cannot join them");
        var adding = new HashSet<string>(keys.Count, StringComparer.Ordinal);
        for (int i = 0; i < keys.Count; i++)
        {
            string key = keys[i] ?? throw new ArgumentNullException(nameof(keys), $"key {i}: expected a string, found null");
            int bytes = System.Text.Encoding.UTF8.GetByteCount(key);
            if (bytes is 0 or > MaxKeyBytes)
                throw new ArgumentException($"key {i}: expected 1 to {MaxKeyBytes} UTF-8 bytes, found {bytes}", nameof(keys));
            if (keyIds.ContainsKey(key))
                throw new ArgumentException($"expected keys not yet stored, found \"{key}\", which is stored already", nameof(keys));
            if (!adding.Add(key)) throw new ArgumentException($"expected keys not yet stored, found \"{key}\" twice in the batch", nameof(keys));
        }
        Store([.. Enumerable.Range(Count, keys.Count).Select(i => (long)i)], codes);
        this.keys ??= [];
        foreach (string key in keys)
        {
            keyIds[key] = this.keys.Count;
            this.keys.Add(key);
        }
    }

    /// <summary>Whether the items were added by string key (<see cref="KeyOf"/> names them) rather than by <c>long</c> id.</summary>
    public bool HasKeys => keys is not null;

    /// <summary>The string key of the item a search returned as <paramref name="id"/>.</summary>
    /// <exception cref="InvalidOperationException">The index holds <c>long</c> ids, not string keys.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not an item's position.</exception>
    public string KeyOf(long id)
    {
        if (keys is null) throw new InvalidOperationException("this index holds long ids, not string keys: the id is the item's name");
        return id >= 0 && id < keys.Count
            ? keys[(int)id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"expected the position of a stored item, 0 to {keys.Count - 1}, found {id}");
    }

    /// <summary>Encodes rows laid end to end in <paramref name="rows"/> with the bound encoder and stores their codes, one per id.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The lengths disagree, a row holds a NaN or infinite value, or an id is repeated or already stored.</exception>
    public void AddRows(ReadOnlySpan<long> ids, ReadOnlySpan<float> rows)
    {
        Encoder bound = Bound();
        InputGuard.BatchLength(rows.Length, ids.Length, bound.InputSize, "rows", nameof(rows));
        AddRange(ids, bound.EncodeBatch(rows));
    }

    /// <summary>As <see cref="AddRows(ReadOnlySpan{long}, ReadOnlySpan{float})"/> for rows of image bytes (0–255), scaled as the encoder's metadata says.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The lengths disagree, or an id is repeated or already stored.</exception>
    public void AddRows(ReadOnlySpan<long> ids, ReadOnlySpan<byte> rows)
    {
        Encoder bound = Bound();
        InputGuard.BatchLength(rows.Length, ids.Length, bound.InputSize, "rows", nameof(rows));
        AddRange(ids, bound.EncodeBatch(rows));
    }

    /// <summary>
    /// <see cref="Partition(int, int, int)"/> with <see cref="SuggestedPartitions"/> and <see cref="SuggestedProbes"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index is empty.</exception>
    public void Partition(int seed)
    {
        if (Count == 0) throw new InvalidOperationException("this index is empty: add codes before partitioning it");
        int partitions = SuggestedPartitions(Count);
        Partition(partitions, SuggestedProbes(partitions), seed);
    }

    /// <summary>
    /// Partitions for <paramref name="count"/> codes: 4·√count, from 1 to count (faiss's usual start for
    /// <c>nlist</c>). With <see cref="SuggestedProbes"/>, recall@10 was 0.9999–1.0000 on clustered codes
    /// from 20,000 to a million (<c>docs/similarity.md</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public static int SuggestedPartitions(int count) => count >= 1
        ? Math.Clamp((int)Math.Round(4 * Math.Sqrt(count)), 1, count)
        : throw new ArgumentOutOfRangeException(nameof(count), count, $"expected at least 1 code, found {count}");

    /// <summary>
    /// Probes for <paramref name="partitions"/> partitions: √partitions, rounded up. Half as many kept
    /// recall@10 above 0.99 on some clustered codes and fell to 0.95 on others: the margin is for data this
    /// library has not seen. Lower it, measuring recall, where speed matters more.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is less than 1.</exception>
    public static int SuggestedProbes(int partitions) => partitions >= 1
        ? (int)Math.Ceiling(Math.Sqrt(partitions))
        : throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"expected at least 1 partition, found {partitions}");

    /// <summary>
    /// Prepares approximate search (an inverted file, as faiss's IVF-Flat): k-means with
    /// <paramref name="partitions"/> centroids over the stored codes (at most 256 sampled codes per centroid,
    /// 10 iterations, seeded by <paramref name="seed"/>), each code filed under its nearest centroid; from then on
    /// a search scans the <paramref name="probes"/> partitions nearest to its query, and codes added later are
    /// filed as they come. Deterministic: a seed gives the same partitions on any number of cores.
    /// <see cref="SuggestedPartitions"/> and <see cref="SuggestedProbes"/> give sizes measured to work.
    /// Partitioning again replaces the partitions. The partitioned copy of the codes doubles the index's memory.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is not from 1 to <see cref="Count"/>, or <paramref name="probes"/> not from 1 to <paramref name="partitions"/>.</exception>
    public void Partition(int partitions, int probes, int seed)
    {
        if (partitions < 1 || partitions > Count)
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"expected 1 to {Count} partitions (the items stored), found {partitions}");
        CheckProbes(probes, partitions, nameof(probes));
        float[] stored = StoredCodes();
        int sampleSize = (int)Math.Min(Count, 256L * partitions);
        float[] sample = stored;
        if (sampleSize < Count)
        {
            int[] order = Enumerable.Range(0, Count).ToArray();
            new Random(seed).Shuffle(order);
            sample = new float[sampleSize * Dimensions];
            for (int i = 0; i < sampleSize; i++) stored.AsSpan(order[i] * Dimensions, Dimensions).CopyTo(sample.AsSpan(i * Dimensions));
        }
        UsePartitions(KMeans.Fit(sample, Dimensions, partitions, iterations: 10, seed), stored, probes);
    }

    /// <summary>The <paramref name="k"/> stored items nearest to <paramref name="code"/> (fewer when fewer are stored).</summary>
    /// <exception cref="ArgumentException">The code has the wrong length, holds a NaN or infinite value, or is zero under the cosine metric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[] Search(ReadOnlySpan<float> code, int k)
    {
        var results = new Neighbor[Math.Min(CheckK(k), Count)];
        return results[..Search(code, results)];
    }

    /// <summary>
    /// Writes the stored items nearest to <paramref name="code"/> into <paramref name="results"/>, nearest
    /// first, and returns how many it wrote: <paramref name="results"/>.Length, or fewer when fewer are stored
    /// (or, in approximate search, held by the partitions scanned). Allocates nothing unless the index is
    /// large enough to be split across cores.
    /// </summary>
    /// <exception cref="ArgumentException">The code has the wrong length, holds a NaN or infinite value, or is zero under the cosine metric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="results"/> is longer than <see cref="MaxK"/>.</exception>
    public int Search(ReadOnlySpan<float> code, Span<Neighbor> results)
    {
        InputGuard.Length(code.Length, Dimensions, "a code", nameof(code));
        if (results.Length > MaxK)
            throw new ArgumentOutOfRangeException(nameof(results), results.Length, $"expected at most {MaxK} results, found room for {results.Length}");
        return Find(code, results[..Math.Min(results.Length, Count)], nameof(code), split: true);
    }

    /// <summary>The <paramref name="k"/> stored items nearest to the code of <paramref name="row"/>, which the bound encoder computes.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The row has the wrong length or holds a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[] SearchRow(ReadOnlySpan<float> row, int k)
    {
        var results = new Neighbor[Math.Min(CheckK(k), Count)];
        return results[..SearchRow(row, results)];
    }

    /// <summary>As <see cref="Search(ReadOnlySpan{float}, Span{Neighbor})"/> for a raw row, encoded first by the bound encoder; allocates nothing for codes of up to 1,024 values.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The row has the wrong length or holds a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="results"/> is longer than <see cref="MaxK"/>.</exception>
    public int SearchRow(ReadOnlySpan<float> row, Span<Neighbor> results)
    {
        Encoder bound = Bound();
        Span<float> code = Dimensions <= 1024 ? stackalloc float[Dimensions] : new float[Dimensions];
        bound.Encode(row, code);
        return Search(code, results);
    }

    /// <summary>As <see cref="SearchRow(ReadOnlySpan{float}, int)"/> for a row of image bytes (0–255).</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The row has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[] SearchRow(ReadOnlySpan<byte> row, int k) => Search(Bound().Encode(row), k);

    /// <summary>The <paramref name="k"/> nearest items of each code laid end to end in <paramref name="codes"/>, the queries spread over all cores.</summary>
    /// <exception cref="ArgumentException">The codes are not whole codes, or one holds a NaN or infinite value or is zero under the cosine metric.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[][] SearchBatch(ReadOnlySpan<float> codes, int k)
    {
        int queries = InputGuard.RowCount(codes.Length, Dimensions, nameof(codes));
        CheckK(k);
        var results = new Neighbor[queries][];
        float[] copy = codes.ToArray();
        Parallel.For(0, queries, q =>
        {
            var found = new Neighbor[Math.Min(k, Count)];
            results[q] = found[..Find(copy.AsSpan(q * Dimensions, Dimensions), found, nameof(codes), split: false)];
        });
        return results;
    }

    /// <summary>The <paramref name="k"/> nearest items of each row laid end to end in <paramref name="rows"/>, encoded by the bound encoder in one batch, the queries spread over all cores.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The rows are not whole rows, or one holds a NaN or infinite value.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[][] SearchRows(ReadOnlySpan<float> rows, int k)
    {
        CheckK(k);
        return SearchBatch(Bound().EncodeBatch(rows), k);
    }

    /// <summary>As <see cref="SearchRows(ReadOnlySpan{float}, int)"/> for rows of image bytes (0–255), scaled as the encoder's metadata says.</summary>
    /// <exception cref="InvalidOperationException">The index is not bound to an encoder.</exception>
    /// <exception cref="ArgumentException">The rows are not whole rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is not from 1 to <see cref="MaxK"/>.</exception>
    public Neighbor[][] SearchRows(ReadOnlySpan<byte> rows, int k)
    {
        CheckK(k);
        return SearchBatch(Bound().EncodeBatch(rows), k);
    }

    /// <summary>Writes the index to <paramref name="path"/> (all of it or, on failure, nothing: it is written beside and renamed).</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The caller may not write there.</exception>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path), partial = full + ".partial";
        try
        {
            using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write))
                Save(stream);
            File.Move(partial, full, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>Writes the index to <paramref name="stream"/>; the caller keeps ownership of the stream.</summary>
    /// <exception cref="IOException">Writing failed.</exception>
    public void Save(Stream stream) =>
        IndexFile.Write(stream, new IndexFile.Contents(Metric, Dimensions, EncoderSha256, ids[..Count], codes[..(Count * Dimensions)],
            partitions is null ? null : new IndexFile.Partitioning(partitions.CentroidValues, [.. partitions.Assignments], probes), keys?.ToArray()));

    /// <summary>Reads an index written by <see cref="Save(string)"/>, not bound to an encoder (queries are codes).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an index this version reads (truncated, corrupted, newer).</exception>
    public static EmbeddingIndex Load(string path) => Load(path, null);

    /// <summary>
    /// Reads an index written by <see cref="Save(string)"/>. With an <paramref name="encoder"/>, the index is bound
    /// to it, and refused unless it was built from that encoder's codes.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not an index this version reads (truncated, corrupted, newer), or it was built with another encoder than <paramref name="encoder"/>.</exception>
    public static EmbeddingIndex Load(string path, Encoder? encoder)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(stream, encoder, path);
    }

    /// <summary>As <see cref="Load(string)"/> from <paramref name="stream"/>, read to the end of the index; the caller keeps ownership of the stream.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an index this version reads.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static EmbeddingIndex Load(Stream stream) => Load(stream, null, "stream");

    /// <summary>As <see cref="Load(string, Encoder?)"/> from <paramref name="stream"/>, read to the end of the index; the caller keeps ownership of the stream.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an index this version reads, or it was built with another encoder than <paramref name="encoder"/>.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    public static EmbeddingIndex Load(Stream stream, Encoder? encoder) => Load(stream, encoder, "stream");

    private static EmbeddingIndex Load(Stream stream, Encoder? encoder, string source)
    {
        IndexFile.Contents contents = IndexFile.Read(stream, source);
        if (encoder is not null)
        {
            if (contents.EncoderSha256 is null)
                throw new InvalidDataException($"{source}: built from bare codes, not an encoder's: load it without one");
            if (contents.EncoderSha256 != encoder.Metadata.Sha256)
                throw new InvalidDataException(
                    $"{source}: built with the encoder of SHA-256 {contents.EncoderSha256}, found an encoder of SHA-256 {encoder.Metadata.Sha256}: rebuild the index with this encoder");
        }
        var index = new EmbeddingIndex(contents.Dimensions, contents.Metric, encoder, contents.EncoderSha256);
        try
        {
            if (contents.Keys is null) index.AddRange(contents.Ids, contents.Codes);
            else index.AddRange(contents.Keys, contents.Codes);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        if (contents.Partitioning is { } partitioning)
            index.UsePartitions(partitioning.Centroids, index.StoredCodes(), partitioning.Probes, partitioning.Assignments);
        return index;
    }

    // The nearest items to one code of the right length, into results (already cut to what the index holds);
    // a large index is split across cores unless the caller is already spread over them.
    private int Find(ReadOnlySpan<float> code, Span<Neighbor> results, string paramName, bool split)
    {
        if (!InputGuard.AllFinite(code)) InputGuard.ThrowNotFinite(code, paramName);
        Span<float> unit = Dimensions <= 1024 ? stackalloc float[Dimensions] : new float[Dimensions];
        scoped ReadOnlySpan<float> query = code;
        bool dot = Metric == DistanceMetric.Cosine;
        if (dot)
        {
            if (Norm(code) == 0) throw new ArgumentException("expected a code of non-zero length for the cosine metric, found all zeros", paramName);
            query = Normalise(code, unit);
        }
        int parts = split ? (int)Math.Clamp((long)Count * Dimensions / MinValuesPerThread, 1, Environment.ProcessorCount) : 1;
        if (partitions is not null && probes < partitions.Count)
        {
            var nearest = new NearestList(results);
            partitions.Scan(query, dot, probes, ref nearest);
            results = results[..nearest.Count];
        }
        else if (parts == 1)
        {
            var nearest = new NearestList(results);
            blocks.Scan(query, dot, 0, blocks.Blocks, ref nearest);
        }
        else
        {
            ScanInParallel(query.ToArray(), results, parts);
        }
        ToDistances(results);
        return results.Length;
    }

    // One share of the blocks per thread, each with its own list, then merged: the same (distance, id)
    // order decides as on one thread, so the result does not depend on the split.
    private void ScanInParallel(float[] query, Span<Neighbor> results, int parts)
    {
        int k = results.Length;
        var lists = new Neighbor[parts][];
        var found = new int[parts];
        bool dot = Metric == DistanceMetric.Cosine;
        Parallel.For(0, parts, p =>
        {
            lists[p] = new Neighbor[k];
            var nearest = new NearestList(lists[p]);
            (int first, int count) = RowShares.Of(blocks.Blocks, p, parts);
            blocks.Scan(query, dot, first, first + count, ref nearest);
            found[p] = nearest.Count;
        });
        var merged = new NearestList(results);
        for (int p = 0; p < parts; p++)
            foreach (Neighbor neighbor in lists[p].AsSpan(0, found[p])) merged.Offer(neighbor.Distance, neighbor.Id);
    }

    // The scan ranks by squared distance (Euclidean) or 1 − dot product (cosine); the caller gets distances.
    // Rounding can make two squared distances' roots equal, so ties are put back in id order.
    private void ToDistances(Span<Neighbor> results)
    {
        for (int i = 0; i < results.Length; i++)
        {
            float d = results[i].Distance;
            results[i] = results[i] with { Distance = Metric == DistanceMetric.Euclidean ? MathF.Sqrt(d) : MathF.Max(d, 0) };
        }
        for (int i = 1; i < results.Length; i++)
        {
            Neighbor current = results[i];
            int at = i;
            for (; at > 0 && results[at - 1].Distance == current.Distance && results[at - 1].Id > current.Id; at--) results[at] = results[at - 1];
            results[at] = current;
        }
    }

    // The codes as the exact blocks hold them (unit length under the cosine metric), laid end to end.
    private float[] StoredCodes()
    {
        float[] stored = codes[..(Count * Dimensions)];
        if (Metric == DistanceMetric.Cosine)
            for (int i = 0; i < Count; i++)
            {
                Span<float> code = stored.AsSpan(i * Dimensions, Dimensions);
                Normalise(code, code);
            }
        return stored;
    }

    // Files every stored code under its partition: the one given (read from a file) or its nearest centroid.
    private void UsePartitions(float[] centroids, float[] stored, int searchProbes, int[]? assigned = null)
    {
        var built = new Partitions(centroids, Dimensions);
        if (assigned is null)
        {
            assigned = new int[Count];
            KMeans.Assign(stored, Dimensions, centroids, assigned, new float[Count]);
        }
        for (int i = 0; i < Count; i++) built.Append(stored.AsSpan(i * Dimensions, Dimensions), ids[i], assigned[i]);
        partitions = built;
        probes = searchProbes;
    }

    private static int CheckProbes(int probes, int partitions, string paramName) => probes >= 1 && probes <= partitions
        ? probes
        : throw new ArgumentOutOfRangeException(paramName, probes, $"expected 1 to {partitions} probes (the partitions), found {probes}");

    private Encoder Bound() => encoder ?? throw new InvalidOperationException(
        "this index is not bound to an encoder: create it with EmbeddingIndex.Create(encoder) or load it with one, or pass codes");

    private static int CheckK(int k) => k is >= 1 and <= MaxK
        ? k
        : throw new ArgumentOutOfRangeException(nameof(k), k, $"expected k from 1 to {MaxK}, found {k}");

    private static float Norm(ReadOnlySpan<float> code)
    {
        double sum = 0;
        foreach (float value in code) sum += (double)value * value;
        return (float)Math.Sqrt(sum);
    }

    private static ReadOnlySpan<float> Normalise(ReadOnlySpan<float> code, Span<float> unit)
    {
        float norm = Norm(code);
        for (int i = 0; i < code.Length; i++) unit[i] = code[i] / norm;
        return unit;
    }

    private void EnsureCapacity(int count)
    {
        if (count <= ids.Length) return;
        int capacity = Math.Max(count, Math.Max(1024, ids.Length * 2));
        Array.Resize(ref ids, capacity);
        Array.Resize(ref codes, capacity * Dimensions);
    }
}
