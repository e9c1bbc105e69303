using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Stored codes laid out for an exact scan: in blocks of as many items as a vector has lanes, each block
/// holding its items' first dimension, then their second, and so on. One pass of vector operations then
/// computes a whole block's distances, whatever the number of dimensions (two for the seed encoder, where
/// one code per vector would leave most lanes idle). Only blocks with a lane within the current bound reach
/// the scalar selection. Writers must not run beside readers (<see cref="EmbeddingIndex"/> documents it).
/// </summary>
internal sealed class CodeBlocks
{
    private static readonly int Width = Vector<float>.Count;
    private readonly int dimensions;
    private float[] data = [];
    private long[] ids = [];

    /// <summary>An empty store for codes of <paramref name="dimensions"/> values.</summary>
    public CodeBlocks(int dimensions) => this.dimensions = dimensions;

    /// <summary>A store holding <paramref name="codes"/> (laid end to end), their ids being their positions.</summary>
    public static CodeBlocks Of(ReadOnlySpan<float> codes, int dimensions)
    {
        var blocks = new CodeBlocks(dimensions);
        for (int i = 0; i < codes.Length / dimensions; i++) blocks.Append(codes.Slice(i * dimensions, dimensions), i);
        return blocks;
    }

    /// <summary>Items stored.</summary>
    public int Count { get; private set; }

    /// <summary>Blocks in use (the last may be partly empty).</summary>
    public int Blocks => (Count + Width - 1) / Width;

    /// <summary>The id stored at <paramref name="position"/> (the order items were added in).</summary>
    public long IdAt(int position) => ids[position];

    /// <summary>Appends one code, as given (the caller normalises it for the cosine metric).</summary>
    public void Append(ReadOnlySpan<float> code, long id)
    {
        if (Count == ids.Length) Grow();
        int block = Count / Width, lane = Count % Width, start = block * dimensions * Width + lane;
        for (int d = 0; d < dimensions; d++) data[start + d * Width] = code[d];
        ids[Count++] = id;
    }

    /// <summary>
    /// Offers every item of blocks [<paramref name="firstBlock"/>, <paramref name="endBlock"/>) to
    /// <paramref name="nearest"/>, by squared Euclidean distance from <paramref name="query"/>, or by
    /// 1 − dot product when <paramref name="dot"/> (unit codes and query: the cosine distance).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public void Scan(scoped ReadOnlySpan<float> query, bool dot, int firstBlock, int endBlock, ref NearestList nearest)
    {
        Span<Vector<float>> q = dimensions <= 256 ? stackalloc Vector<float>[dimensions] : new Vector<float>[dimensions];
        for (int d = 0; d < dimensions; d++) q[d] = new Vector<float>(query[d]);
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(data.AsSpan(0, Blocks * dimensions * Width));
        var bound = new Vector<float>(nearest.Bound);
        for (int b = firstBlock; b < endBlock; b++)
        {
            ReadOnlySpan<Vector<float>> block = vectors.Slice(b * dimensions, dimensions);
            Vector<float> distance = Vector<float>.Zero;
            if (dot)
            {
                for (int d = 0; d < dimensions; d++) distance += block[d] * q[d];
                distance = Vector<float>.One - distance;
            }
            else
            {
                for (int d = 0; d < dimensions; d++)
                {
                    Vector<float> difference = block[d] - q[d];
                    distance += difference * difference;
                }
            }
            if (!Vector.LessThanOrEqualAny(distance, bound)) continue;
            int items = Math.Min(Width, Count - b * Width);
            for (int lane = 0; lane < items; lane++) nearest.Offer(distance[lane], ids[b * Width + lane]);
            bound = new Vector<float>(nearest.Bound);
        }
    }

    private void Grow()
    {
        // Small first: a partitioned index holds thousands of these, most with a few hundred items.
        int capacity = Math.Max(Width * 4, ids.Length * 2);
        Array.Resize(ref ids, capacity);
        Array.Resize(ref data, capacity * dimensions);
    }
}
