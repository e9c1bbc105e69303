using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// The committed 2-D map encoders side by side through AutoEncoder.Inference (Auto backend): the deep
/// autoencoder's (784-512-256-2), parametric UMAP's (784-100-100-100-2) and the convolutional one's
/// (conv 32-64 → 3136-96-512-256-2), one row and 10,000 rows, each beside a straightforward ONNX Runtime call on
/// the same file.
/// </summary>
[MemoryDiagnoser]
public class MapEncoderBenchmarks
{
    private Encoder encoder = null!;
    private InferenceSession session = null!;
    private float[] rows = null!;
    private float[] codes = null!;

    [Params("deep", "umap", "conv")]
    public string Model { get; set; } = "";

    [Params(1, 10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        encoder = Encoder.Load(Path.Combine(Fixture.Root, "models", Model, "encoder.onnx"));
        session = Fixture.Session(Path.Combine(Model, "encoder.onnx"));
        rows = Fixture.TestPixels(Rows);
        codes = new float[Rows * 2];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime, straightforward (NamedOnnxValue + Run + ToArray)")]
    public float[] Straightforward() => Fixture.Naive(session, rows, Rows);

    [Benchmark(Description = "EncodeBatch(span, span), Auto backend")]
    public float[] Encode()
    {
        encoder.EncodeBatch(rows, codes);
        return codes;
    }
}
