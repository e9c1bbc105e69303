using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Network;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Trains the encoder with UMAP's objective through autograd and TorchSharp's Adam (parametric UMAP): an
/// epoch is the graph's edges, each kept with probability weight / largest weight (UMAP's sampling rate,
/// seeded per epoch) and shuffled; a batch encodes its edges' heads and tails, draws
/// <see cref="UmapOptions.NegativeSamples"/> repelled pairs per edge by shuffling the tails, and steps on
/// the cross-entropy. With <see cref="TrainingObjective.UmapReconstruction"/> the decoder's reconstruction
/// loss of the heads is added to the weighted UMAP loss.
/// </summary>
internal sealed class UmapTrainingStep : ITrainingStep
{
    // Edges whose loss is measured after every epoch (a fixed seeded sample, negatives included).
    private const int MonitorEdges = 5000;

    private readonly AutoEncoderModel model;
    private readonly TrainingConfig config;
    private readonly Adam adam;
    private readonly (double A, double B) curve;
    private readonly UmapLoss umapLoss;
    private readonly Action<string>? log;
    private readonly string folder;
    private FuzzyGraph.Edges? graph;
    private long[] monitor = [];
    private float[] rows = [];
    private SharedBuffer? batch;
    private int width;

    /// <summary>
    /// Trains <paramref name="model"/> as <paramref name="config"/> says; <paramref name="log"/> hears the graph's progress;
    /// a graph encoder's path is relative to <paramref name="folder"/> (the run's output folder; null for the current one).
    /// </summary>
    public UmapTrainingStep(AutoEncoderModel model, TrainingConfig config, Action<string>? log = null, string? folder = null)
    {
        this.folder = folder ?? ".";
        this.model = model;
        this.config = config;
        this.log = log;
        curve = SimilarityCurve.Fit(config.UmapSettings.MinDist);
        umapLoss = new UmapLoss(curve.A, curve.B);
        adam = optim.Adam(config.TrainsDecoder ? model.parameters() : model.Encoder.parameters());
    }

    /// <summary>The fuzzy graph of the training rows, once <see cref="Prepare"/> has built it.</summary>
    public FuzzyGraph.Edges Graph => graph ?? throw new InvalidOperationException("the graph is built by Prepare");

    /// <summary>Builds the neighbour graph of <paramref name="train"/> (the rows every step indexes).</summary>
    public void Prepare(DataSplit train)
    {
        rows = train.Rows;
        width = train.Width;
        // Heads then tails of a batch, in memory libtorch shares: no managed copy per step. Each step
        // copying 6 MB into a fresh array for libtorch kept the GC so busy that a collection would finalise
        // a temporary Scalar argument while libtorch still read it, crashing full-data runs.
        batch?.Dispose();
        batch = new SharedBuffer(2 * Math.Max(config.BatchSize, MonitorEdges), width);
        int neighbors = config.UmapSettings.Neighbors;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int reported = 0;
        (float[] measured, int measuredWidth) = config.UmapSettings.GraphEncoder is { } encoder ? GraphCodes(encoder, train) : (rows, width);
        (int[] indices, float[] distances) = NearestNeighborGraph.Exact(measured, train.Count, measuredWidth, neighbors - 1, done =>
        {
            int percent = (int)(100L * done / train.Count);
            if (percent / 10 <= reported / 10 && done < train.Count) return;
            reported = percent;
            log?.Invoke($"UMAP graph: exact {neighbors - 1} nearest neighbours of {done:N0}/{train.Count:N0} rows ({percent}%, {clock.Elapsed.TotalSeconds:F1} s)");
        });
        graph = FuzzyGraph.Build(indices, distances, train.Count, neighbors - 1, neighbors);
        monitor = [.. Enumerable.Range(0, graph.Count).Select(e => (long)e)];
        new Random(12345).Shuffle(monitor);
        monitor = monitor[..Math.Min(MonitorEdges, monitor.Length)];
        log?.Invoke($"UMAP graph: {graph.Count:N0} directed edges in {clock.Elapsed.TotalSeconds:F1} s; a = {curve.A:F4}, b = {curve.B:F4}");
    }

    /// <summary>The codes <paramref name="path"/>'s encoder gives the training rows, after checking it is the encoder the run recorded.</summary>
    /// <exception cref="FileNotFoundException">The encoder is missing.</exception>
    /// <exception cref="InvalidDataException">It is another file than the one the run started with.</exception>
    private (float[] Codes, int Width) GraphCodes(string path, DataSplit train)
    {
        string file = UmapOptions.EncoderFile(Path.GetFullPath(path, Path.GetFullPath(folder)));
        if (!File.Exists(file)) throw new FileNotFoundException($"--graph-encoder: expected an exported encoder at {file}, found none", file);
        byte[] bytes = File.ReadAllBytes(file);
        string sha = IO.FileHash.Sha256(bytes);
        if (config.UmapSettings.GraphEncoderSha256 is { } recorded && recorded != sha)
            throw new InvalidDataException($"{file}: expected the graph encoder this run was started with (SHA-256 {recorded[..12]}…), found {sha[..12]}…");
        using var encoder = AutoEncoder.Inference.Encoder.Load(bytes);
        log?.Invoke($"UMAP graph: measured between the {encoder.EmbeddingSize}-D codes of {file}");
        return (encoder.EncodeBatch(train.Rows), encoder.EmbeddingSize);
    }

    /// <inheritdoc />
    public long[] EpochOrder(int count, long seed, int epoch)
    {
        FuzzyGraph.Edges edges = Graph;
        float largest = edges.Weights.Max();
        var random = new Random(unchecked((int)(seed * 1_000_003 + epoch * 7919 + 17)));
        var kept = new List<long>(edges.Count);
        for (int e = 0; e < edges.Count; e++)
            if (random.NextSingle() * largest < edges.Weights[e]) kept.Add(e);
        long[] order = [.. kept];
        random.Shuffle(order);
        return order;
    }

    /// <inheritdoc />
    public double Step(float[] data, long[] order, int start, int count, double rate)
    {
        using var scope = NewDisposeScope();
        model.train();
        adam.zero_grad();
        Tensor loss = Loss(order.AsSpan(start, count), NegativeSeed(order[start]));
        loss.backward();
        foreach (optim.ILearningRateController group in adam.ParamGroups) group.LearningRate = rate;
        adam.step();
        return loss.item<float>();
    }

    /// <inheritdoc />
    public double TestLoss(AutoEncoderModel trained, Tensor test, ReconstructionLoss kind)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return Loss(monitor, NegativeSeed(-1)).item<float>();
    }

    // The seed of the in-batch permutation that pairs heads with other edges' tails as negative samples.
    private long NegativeSeed(long salt) => unchecked(config.Seed * 31 + salt);

    // Negative pair n joins the head of edge n / negatives with the tail of another edge of the batch, by a
    // seeded permutation drawn in libtorch (parametric UMAP's in-batch negatives).
    private Tensor Loss(ReadOnlySpan<long> edges, long negativeSeed)
    {
        int count = edges.Length, negatives = config.UmapSettings.NegativeSamples;
        SharedBuffer buffer = batch ?? throw new InvalidOperationException("the graph is built by Prepare");
        FuzzyGraph.Edges graph = Graph;
        for (int i = 0; i < count; i++)
        {
            int e = (int)edges[i];
            Array.Copy(rows, (long)graph.Heads[e] * width, buffer.Array, buffer.Offset + (long)i * width, width);
            Array.Copy(rows, (long)graph.Tails[e] * width, buffer.Array, buffer.Offset + (long)(count + i) * width, width);
        }
        Tensor input = buffer.Tensor.narrow(0, 0, 2L * count);
        Tensor codes = model.Encoder.forward(input);
        Tensor from = codes.narrow(0, 0, count), to = codes.narrow(0, count, count);
        Tensor negativeFrom = from.repeat_interleave(negatives, dim: 0);
        using var generator = new Generator((ulong)negativeSeed);
        Tensor negativeTo = to.repeat_interleave(negatives, dim: 0).index_select(0, randperm((long)count * negatives, generator: generator));
        Tensor umap = umapLoss.CrossEntropy(from, to, negativeFrom, negativeTo);
        if (!config.TrainsDecoder) return umap;
        Tensor heads = input.narrow(0, 0, count);
        return umap.Times(config.UmapSettings.Weight).Plus(AutogradTrainingStep.Loss(model.Decoder.forward(from), heads, config.LossKind));
    }

    /// <inheritdoc />
    public void CopyToModel()
    {
        // The model's parameters are the ones trained.
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => adam.save_state_dict(writer);

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => OptimizerState.Load(adam, reader);

    /// <inheritdoc />
    public void Dispose()
    {
        adam.Dispose();
        umapLoss.Dispose();
        batch?.Dispose();
    }
}
