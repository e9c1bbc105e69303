using AutoEncoder.Inference;
using AutoEncoder.Onnx.Schema;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>
/// Scoring rows with the committed seed full model (784 → 2 → 784), one and 10,000 at a time, by its own
/// score (mse) and by the structural score (the same model with <c>anomaly_score</c> set to it).
/// </summary>
[MemoryDiagnoser]
public class AnomalyBenchmarks
{
    private AnomalyDetector detector = null!;
    private InferenceSession session = null!;
    private float[] rows = null!;
    private float[] reconstructions = null!;
    private float[] scores = null!;
    private int readThreads;

    [Params(1, 10_000)]
    public int Rows { get; set; }

    [Params(AnomalyScore.Mse, AnomalyScore.Structural)]
    public AnomalyScore Score { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        detector = Score == AnomalyScore.Mse ? AnomalyDetector.LoadDefault() : AnomalyDetector.Load(StructuralSeedModel());
        session = Fixture.Session("autoencoder.onnx");
        rows = Fixture.TestPixels(Rows);
        reconstructions = new float[rows.Length];
        scores = new float[Rows];
        // The full model is 3,136 multiply-adds a row, twice the encoder's: the kernel splits at half the rows.
        readThreads = Fixture.KernelThreads(Rows * 2);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        detector.Dispose();
        session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ONNX Runtime, straightforward (NamedOnnxValue + Run + ToArray)")]
    public float[] Straightforward() => Fixture.Naive(session, rows, Rows);

    [Benchmark(Description = "AnomalyDetector.Score(span), first row only")]
    public float ScoreRow() => detector.Score(rows.AsSpan(0, 784));

    [Benchmark(Description = "AnomalyDetector.ScoreBatch(span, span)")]
    public float ScoreBatch()
    {
        detector.ScoreBatch(rows, scores);
        return scores[0];
    }

    [Benchmark(Description = "read pass over input and output floats, as many threads as the kernel")]
    public float ReadPass() => Fixture.ReadPass(rows, readThreads) + Fixture.ReadPass(reconstructions, readThreads);

    private static byte[] StructuralSeedModel()
    {
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(Fixture.Root, "models", "autoencoder.onnx")));
        model.MetadataProps.Single(entry => entry.Key == "anomaly_score").Value = "structural";
        return model.ToByteArray();
    }
}
