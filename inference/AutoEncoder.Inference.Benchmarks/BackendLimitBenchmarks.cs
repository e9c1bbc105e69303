using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// Where the managed kernel stops beating ONNX Runtime (<c>DenseStack.MaxMultiplyAdds</c> for batches and
/// <c>MaxRowMultiplyAdds</c> for single rows, the Auto backend's limits): the committed dense encoders on each
/// backend and on Auto (with its default options, as an app loads them), one row and batches, side by side.
/// </summary>
[MemoryDiagnoser]
public class BackendLimitBenchmarks
{
    private Encoder onnxRuntime = null!;
    private Encoder managed = null!;
    private Encoder auto = null!;
    private float[] rows = null!;
    private float[] codes = null!;

    /// <summary>umap: 784-100-100-100-2 (98,600 multiply-adds a row); cluster: the same to 10-D (99,400); deep: 784-512-256-2 (533,000).</summary>
    [Params("umap", "cluster", "deep")]
    public string Model { get; set; } = "";

    [Params(1, 1024, 10_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(Fixture.Root, "models", Model, "encoder.onnx");
        onnxRuntime = Encoder.Load(path, new InferenceOptions { Backend = InferenceBackend.OnnxRuntime, IntraOpThreads = Environment.ProcessorCount });
        managed = Encoder.Load(path, new InferenceOptions { Backend = InferenceBackend.Managed });
        auto = Encoder.Load(path);
        rows = Fixture.TestPixels(Rows);
        codes = new float[Rows * managed.EmbeddingSize];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        onnxRuntime.Dispose();
        managed.Dispose();
        auto.Dispose();
    }

    [Benchmark(Baseline = true, Description = "EncodeBatch, ONNX Runtime (all cores)")]
    public float[] OnOnnxRuntime()
    {
        onnxRuntime.EncodeBatch(rows, codes);
        return codes;
    }

    [Benchmark(Description = "EncodeBatch, managed kernel")]
    public float[] OnManagedKernel()
    {
        managed.EncodeBatch(rows, codes);
        return codes;
    }

    [Benchmark(Description = "EncodeBatch, Auto")]
    public float[] OnAuto()
    {
        auto.EncodeBatch(rows, codes);
        return codes;
    }
}
