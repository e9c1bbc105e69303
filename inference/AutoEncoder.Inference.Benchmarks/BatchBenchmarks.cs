using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>Throughput of encoding many images in one call.</summary>
[MemoryDiagnoser]
public class BatchBenchmarks
{
    private Encoder encoder = null!;
    private Encoder runtime = null!;
    private InferenceSession session = null!;
    private int readThreads;
    private float[] rows = null!;
    private float[] codes = null!;

    [Params(1, 32, 1024, 10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        encoder = Encoder.LoadDefault();
        runtime = Encoder.LoadDefault(new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });
        session = Fixture.Session();
        readThreads = Fixture.KernelThreads(Rows);
        rows = Fixture.TestPixels(Rows);
        codes = new float[Rows * 2];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        runtime.Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime, straightforward")]
    public float[] Straightforward() => Fixture.Naive(session, rows, Rows);

    [Benchmark(Description = "EncodeBatch(span, span), managed kernel (Auto)")]
    public float EncodeBatch()
    {
        encoder.EncodeBatch(rows, codes);
        return codes[0];
    }

    [Benchmark(Description = "EncodeBatch(span, span), OnnxRuntime backend")]
    public float EncodeBatchRuntime()
    {
        runtime.EncodeBatch(rows, codes);
        return codes[0];
    }

    [Benchmark(Description = "read pass, as many threads as the kernel")]
    public float ReadPass() => Fixture.ReadPass(rows, readThreads);
}
