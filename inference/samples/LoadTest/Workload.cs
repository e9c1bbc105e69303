using System.Runtime.InteropServices;
using System.Text.Json;

namespace AutoEncoder.Samples.LoadTest;

/// <summary>The rows a run sends: MNIST test images as [0, 1] floats, cut into batches, each also pre-serialised as a request body.</summary>
internal sealed class Workload
{
    /// <summary>Distinct batches cycled through, so that neither side can cache one answer.</summary>
    const int Variants = 16;

    private Workload(int batch, float[][] flat, byte[][] bodies, string mediaType)
    {
        Batch = batch;
        Flat = flat;
        Bodies = bodies;
        MediaType = mediaType;
    }

    public int Batch { get; }

    /// <summary>Each batch's rows end to end, for the in-process run.</summary>
    public float[][] Flat { get; }

    /// <summary>Each batch as the HTTP run sends it (serialised once: the clients should cost little CPU).</summary>
    public byte[][] Bodies { get; }

    /// <summary>application/json (<c>{"rows": [...]}</c>) or application/octet-stream (little-endian float32 rows).</summary>
    public string MediaType { get; }

    public static Workload Create(byte[] images, int width, int batch, bool float32)
    {
        int available = images.Length / width;
        if (available < batch) throw new InvalidDataException($"expected at least {batch} images for one batch, found {available}");
        var flat = new float[Variants][];
        var bodies = new byte[Variants][];
        for (int v = 0; v < Variants; v++)
        {
            int first = v * batch % (available - batch + 1);
            float[][] rows = Enumerable.Range(first, batch)
                .Select(i => images.AsSpan(i * width, width).ToArray().Select(b => b / 255f).ToArray()).ToArray();
            flat[v] = rows.SelectMany(row => row).ToArray();
            bodies[v] = float32 ? MemoryMarshal.AsBytes(flat[v].AsSpan()).ToArray() : JsonSerializer.SerializeToUtf8Bytes(new { rows });
        }
        return new(batch, flat, bodies, float32 ? "application/octet-stream" : "application/json");
    }
}
