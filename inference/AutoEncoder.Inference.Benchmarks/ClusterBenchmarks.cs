using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// The committed cluster model (<c>models/cluster</c>: its 784-100-100-100-10 encoder, then 10 Gaussian components)
/// against its encoder alone, one row at a time, on the backends both choose under Auto and on the managed kernel:
/// what assigning a row costs beyond encoding it.
/// </summary>
[MemoryDiagnoser]
public class ClusterBenchmarks
{
    private Encoder encoder = null!;
    private ClusterModel clusters = null!;
    private float[] row = null!;
    private readonly float[] code = new float[10];

    [Params(InferenceBackend.Auto, InferenceBackend.Managed)]
    public InferenceBackend Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new InferenceOptions { Backend = Backend };
        encoder = Encoder.Load(Path.Combine(Fixture.Root, "models", "cluster", "encoder.onnx"), options);
        clusters = ClusterModel.Load(Path.Combine(Fixture.Root, "models", "cluster", "cluster.onnx"), options);
        row = Fixture.TestPixels(1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        clusters.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Encoder.Encode(span, span): the encoder alone")]
    public float Encode()
    {
        encoder.Encode(row, code);
        return code[0];
    }

    [Benchmark(Description = "ClusterModel.Assign(span): encoder and clusters")]
    public int Assign() => clusters.Assign(row);
}
