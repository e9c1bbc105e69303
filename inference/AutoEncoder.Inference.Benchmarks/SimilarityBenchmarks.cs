using AutoEncoder.Inference;
using BenchmarkDotNet.Attributes;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// "Find similar" over the 60,000 MNIST training images' codes from the embedded seed encoder (2-D): one
/// query from raw pixels (encode, then the exact search), the search alone, and the encoding alone.
/// </summary>
[MemoryDiagnoser]
public class SimilarityBenchmarks
{
    private Encoder encoder = null!;
    private EmbeddingIndex index = null!;
    private float[] row = null!;
    private float[] code = null!;
    private readonly Neighbor[] results = new Neighbor[10];

    [GlobalSetup]
    public void Setup()
    {
        encoder = Encoder.LoadDefault();
        index = EmbeddingIndex.Create(encoder);
        index.AddRows([.. Enumerable.Range(0, 60_000).Select(id => (long)id)], Fixture.TrainImages());
        row = Fixture.TestPixels(1);
        code = encoder.Encode(row);
    }

    [GlobalCleanup]
    public void Cleanup() => encoder.Dispose();

    [Benchmark(Baseline = true, Description = "Encode(span, span): the row's code alone")]
    public float Encode()
    {
        encoder.Encode(row, code);
        return code[0];
    }

    [Benchmark(Description = "Search(code, results): 10 nearest of 60,000 codes")]
    public int Search() => index.Search(code, results);

    [Benchmark(Description = "SearchRow(row, results): encode, then search")]
    public int SearchRow() => index.SearchRow(row, results);
}
