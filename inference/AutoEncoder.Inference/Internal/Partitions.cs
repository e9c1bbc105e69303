namespace AutoEncoder.Inference.Internal;

/// <summary>
/// An inverted file (faiss's IVF-Flat): stored codes split among k-means centroids, each partition's codes in
/// blocks of their own. A search ranks the centroids by distance from the query and scans only the nearest
/// <c>probes</c> partitions with the exact kernel, so results are exact within what is scanned, and scanning
/// every partition is the exact search. Writers must not run beside readers, as for <see cref="CodeBlocks"/>.
/// </summary>
internal sealed class Partitions
{
    private readonly int dimensions;
    private readonly CodeBlocks centroids;
    private readonly CodeBlocks[] lists;
    private readonly List<int> assignments = [];

    /// <summary>Empty partitions around <paramref name="centroidValues"/> (laid end to end).</summary>
    public Partitions(float[] centroidValues, int dimensions)
    {
        this.dimensions = dimensions;
        CentroidValues = centroidValues;
        centroids = CodeBlocks.Of(centroidValues, dimensions);
        lists = new CodeBlocks[centroids.Count];
        for (int p = 0; p < lists.Length; p++) lists[p] = new CodeBlocks(dimensions);
    }

    /// <summary>How many partitions there are.</summary>
    public int Count => lists.Length;

    /// <summary>The centroids, laid end to end.</summary>
    public float[] CentroidValues { get; }

    /// <summary>The partition of each item, in the order items were appended.</summary>
    public IReadOnlyList<int> Assignments => assignments;

    /// <summary>The partition whose centroid is nearest to <paramref name="code"/> (ties to the lower number).</summary>
    public int Nearest(ReadOnlySpan<float> code)
    {
        Span<Neighbor> nearest = stackalloc Neighbor[1];
        var list = new NearestList(nearest);
        centroids.Scan(code, dot: false, 0, centroids.Blocks, ref list);
        return (int)nearest[0].Id;
    }

    /// <summary>Appends a code (as the exact blocks hold it) to <paramref name="partition"/>.</summary>
    public void Append(ReadOnlySpan<float> code, long id, int partition)
    {
        lists[partition].Append(code, id);
        assignments.Add(partition);
    }

    /// <summary>Offers the items of the <paramref name="probes"/> partitions nearest to <paramref name="query"/> to <paramref name="nearest"/>.</summary>
    public void Scan(scoped ReadOnlySpan<float> query, bool dot, int probes, ref NearestList nearest)
    {
        Span<Neighbor> ranked = probes <= 1024 ? stackalloc Neighbor[probes] : new Neighbor[probes];
        var ranking = new NearestList(ranked);
        centroids.Scan(query, dot: false, 0, centroids.Blocks, ref ranking);
        foreach (Neighbor partition in ranked[..ranking.Count])
        {
            CodeBlocks list = lists[(int)partition.Id];
            list.Scan(query, dot, 0, list.Blocks, ref nearest);
        }
    }
}
