using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;

namespace AutoEncoder.Benchmarks;

/// <summary>
/// The committed 2-D map encoders side by side through AutoEncoder.Inference (Auto backend): the deep
/// autoencoder's (784-512-256-2) and parametric UMAP's (784-100-100-100-2), one row and 10,000 rows.
/// </summary>
[MemoryDiagnoser]
public class MapEncoderBenchmarks
{
    private Encoder encoder = null!;
    private float[] rows = null!;
    private float[] codes = null!;

    [Params("deep", "umap")]
    public string Model { get; set; } = "";

    [Params(1, 10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        encoder = Encoder.Load(Path.Combine(Fixture.Root, "models", Model, "encoder.onnx"));
        rows = Fixture.TestPixels(Rows);
        codes = new float[Rows * 2];
    }

    [GlobalCleanup]
    public void Cleanup() => encoder.Dispose();

    [Benchmark(Description = "EncodeBatch(span, span), Auto backend")]
    public float[] Encode()
    {
        encoder.EncodeBatch(rows, codes);
        return codes;
    }
}
