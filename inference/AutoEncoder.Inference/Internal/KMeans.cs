namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Lloyd's k-means over rows laid end to end, for an index's partitions: seeded random initial centroids (as
/// faiss's IVF training does), a fixed number of iterations, and deterministic arithmetic (rows are assigned
/// in parallel, but every sum is taken in row order in doubles), so a seed gives the same centroids on any
/// number of cores. An emptied cluster takes the row farthest from its own centroid.
/// </summary>
internal static class KMeans
{
    /// <summary>The <paramref name="clusters"/> centroids, laid end to end, of <paramref name="rows"/>.</summary>
    public static float[] Fit(float[] rows, int dimensions, int clusters, int iterations, int seed)
    {
        int count = rows.Length / dimensions;
        var random = new Random(seed);
        var centroids = new float[clusters * dimensions];
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        for (int c = 0; c < clusters; c++)
            rows.AsSpan(order[c] * dimensions, dimensions).CopyTo(centroids.AsSpan(c * dimensions));

        var assigned = new int[count];
        var distances = new float[count];
        var sums = new double[clusters * dimensions];
        var sizes = new int[clusters];
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            Assign(rows, dimensions, centroids, assigned, distances);
            Array.Clear(sums);
            Array.Clear(sizes);
            for (int i = 0; i < count; i++)
            {
                int c = assigned[i];
                sizes[c]++;
                for (int d = 0; d < dimensions; d++) sums[c * dimensions + d] += rows[i * dimensions + d];
            }
            for (int c = 0; c < clusters; c++)
            {
                if (sizes[c] == 0)
                {
                    int farthest = Array.IndexOf(distances, distances.Max());
                    distances[farthest] = 0;
                    rows.AsSpan(farthest * dimensions, dimensions).CopyTo(centroids.AsSpan(c * dimensions));
                    continue;
                }
                for (int d = 0; d < dimensions; d++) centroids[c * dimensions + d] = (float)(sums[c * dimensions + d] / sizes[c]);
            }
        }
        return centroids;
    }

    /// <summary>The nearest centroid of each row and the squared distance to it, rows spread over the cores.</summary>
    public static void Assign(float[] rows, int dimensions, float[] centroids, int[] assigned, float[] distances)
    {
        CodeBlocks blocks = CodeBlocks.Of(centroids, dimensions);
        Parallel.For(0, rows.Length / dimensions, i =>
        {
            Span<Neighbor> nearest = stackalloc Neighbor[1];
            var list = new NearestList(nearest);
            blocks.Scan(rows.AsSpan(i * dimensions, dimensions), dot: false, 0, blocks.Blocks, ref list);
            assigned[i] = (int)nearest[0].Id;
            distances[i] = nearest[0].Distance;
        });
    }
}
