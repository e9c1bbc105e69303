using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>Latency and allocations of encoding one image.</summary>
[MemoryDiagnoser]
public class SingleRowBenchmarks
{
    private Encoder encoder = null!;
    private Encoder runtime = null!;
    private InferenceSession session = null!;
    private float[] row = null!;
    private readonly float[] code = new float[2];

    [GlobalSetup]
    public void Setup()
    {
        encoder = Encoder.LoadDefault();
        runtime = Encoder.LoadDefault(new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });
        session = Fixture.Session();
        row = Fixture.TestPixels(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        runtime.Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime, straightforward (NamedOnnxValue + Run + ToArray)")]
    public float[] Straightforward() => Fixture.Naive(session, row, 1);

    [Benchmark(Description = "Encode(span, span), managed kernel (Auto)")]
    public float EncodeSpan()
    {
        encoder.Encode(row, code);
        return code[0];
    }

    [Benchmark(Description = "Encode(span, span), OnnxRuntime backend")]
    public float EncodeSpanRuntime()
    {
        runtime.Encode(row, code);
        return code[0];
    }

    [Benchmark(Description = "read pass over the 784 floats")]
    public float ReadPass() => Fixture.ReadPass(row);
}
