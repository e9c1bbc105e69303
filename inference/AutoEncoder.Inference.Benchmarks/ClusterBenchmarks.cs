using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// The committed cluster model (<c>models/cluster</c>: its 784-100-100-100-10 encoder, then 10 Gaussian components)
/// against its encoder alone, one row at a time and in a batch of 10,000 test images, on the backends both choose
/// under Auto and on the managed kernel: what assigning costs beyond encoding.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class ClusterBenchmarks
{
    private Encoder encoder = null!;
    private ClusterModel clusters = null!;
    private const int BatchRows = 10_000;
    private float[] row = null!, batch = null!;
    private readonly float[] code = new float[10], codes = new float[BatchRows * 10];
    private readonly int[] assigned = new int[BatchRows];

    [Params(InferenceBackend.Auto, InferenceBackend.Managed)]
    public InferenceBackend Backend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new InferenceOptions { Backend = Backend };
        encoder = Encoder.Load(Path.Combine(Fixture.Root, "models", "cluster", "encoder.onnx"), options);
        clusters = ClusterModel.Load(Path.Combine(Fixture.Root, "models", "cluster", "cluster.onnx"), options);
        row = Fixture.TestPixels(1);
        batch = Fixture.TestPixels(BatchRows);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        encoder.Dispose();
        clusters.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Encoder.Encode(span, span): the encoder alone"), BenchmarkCategory("row")]
    public float Encode()
    {
        encoder.Encode(row, code);
        return code[0];
    }

    [Benchmark(Description = "ClusterModel.Assign(span): encoder and clusters"), BenchmarkCategory("row")]
    public int Assign() => clusters.Assign(row);

    [Benchmark(Baseline = true, Description = "Encoder.EncodeBatch(span, span): 10,000 rows, the encoder alone"), BenchmarkCategory("batch")]
    public float EncodeBatch()
    {
        encoder.EncodeBatch(batch, codes);
        return codes[0];
    }

    [Benchmark(Description = "ClusterModel.AssignBatch(span, span): 10,000 rows, encoder and clusters"), BenchmarkCategory("batch")]
    public int AssignBatch()
    {
        clusters.AssignBatch(batch, assigned);
        return assigned[0];
    }
}
