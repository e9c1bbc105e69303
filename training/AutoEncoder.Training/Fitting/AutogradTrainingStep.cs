using System.Runtime.InteropServices;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Network;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// The general training step: the model's own forward and libtorch's autograd, then Adam
/// (<see cref="AdamUpdate"/>, PyTorch's rule) in one vectorised pass. It trains any network the layer plan
/// holds; <see cref="FusedTrainingStep"/> is the faster path for the chains of Linear layers it supports,
/// and tests pin the two to each other.
/// <para>
/// With several threads the batch is split into one shard per thread, as the fused step does: each shard
/// runs forward and autograd on its own core with one libtorch thread, and Adam adds the shards'
/// gradients. On the conv preset two shards beat one batch on two libtorch threads, whose convolutions and
/// matrix products leave a core waiting at every operation's end: 300 steps took 8.4–9.6 s against
/// 11.6–12.5 s, three runs each, alternated (AVX-512 host, 2026-12-02; BENCHMARKS.md). A network
/// with batch normalisation or dropout is not split: its batch statistics would be each shard's, and its
/// dropout masks would depend on which thread drew first.
/// </para>
/// </summary>
internal sealed class AutogradTrainingStep : ITrainingStep
{
    private readonly AutoEncoderModel model;
    private readonly ReconstructionObjective objective;
    private readonly long seed;
    private readonly int width;
    private readonly Parameter[] parameters;
    private readonly SharedBuffer batch;
    private readonly SharedBuffer[] gradients;
    private readonly Tensor[][] gradientViews;
    private readonly ReadOnlyMemory<float>[] gradientMemory;
    private readonly AdamMoments moments;
    private readonly ShardWorkers? workers;
    private readonly double[] shardResults;

    /// <summary>
    /// Trains <paramref name="model"/>'s parameters in place, on batches of up to <paramref name="maxBatchSize"/>
    /// rows, minimising <paramref name="loss"/>; split into <paramref name="threads"/> shards where <see cref="Splits"/> allows.
    /// </summary>
    public AutogradTrainingStep(AutoEncoderModel model, int maxBatchSize, ReconstructionLoss loss = ReconstructionLoss.Bce, int threads = 1)
        : this(model, maxBatchSize, ReconstructionObjective.Plain(loss), seed: 0, threads)
    {
    }

    /// <summary>
    /// Trains <paramref name="model"/> as above, minimising <paramref name="objective"/>; its random draws come from
    /// generators seeded by (<paramref name="seed"/>, Adam's step count, shard), so that a resumed run draws what an
    /// uninterrupted one would.
    /// </summary>
    public AutogradTrainingStep(AutoEncoderModel model, int maxBatchSize, ReconstructionObjective objective, long seed, int threads = 1)
    {
        this.model = model;
        this.objective = objective;
        this.seed = seed;
        width = (int)model.Plan.InputWidth;
        parameters = [.. model.parameters()];
        int size = (int)parameters.Sum(p => p.numel());
        int shards = Splits(model.Plan) ? threads : 1;
        batch = new SharedBuffer(maxBatchSize, width);
        gradients = [.. Enumerable.Range(0, shards).Select(_ => new SharedBuffer(1, size))];
        gradientMemory = [.. gradients.Select(g => (ReadOnlyMemory<float>)g.Array.AsMemory(g.Offset, size))];
        gradientViews = [.. gradients.Select(ParameterViews)];
        moments = new AdamMoments(size);
        shardResults = new double[shards];
        if (shards > 1) workers = new ShardWorkers(shards, () => torch.set_num_threads(1));
    }

    /// <summary>Whether a batch of <paramref name="plan"/>'s network may be split into shards: no batch normalisation, no dropout.</summary>
    public static bool Splits(LayerPlan plan) => !plan.Layers.Any(l => l.Kind is LayerKind.Normalization or LayerKind.Dropout);

    /// <inheritdoc />
    public bool Sharded => workers is not null;

    /// <inheritdoc />
    public double Step(float[] data, long[] order, int start, int rows, double rate)
    {
        for (int r = 0; r < rows; r++)
            Array.Copy(data, order[start + r] * width, batch.Array, batch.Offset + (long)r * width, width);
        model.train();
        int perShard = (rows + gradients.Length - 1) / gradients.Length;
        long step = moments.Steps;
        double RunShard(int k)
        {
            int first = k * perShard, count = Math.Clamp(rows - first, 0, perShard);
            if (count == 0)
            {
                // A batch smaller than the shard count leaves this shard nothing.
                gradients[k].Array.AsSpan(gradients[k].Offset, moments.First.Length).Clear();
                return 0;
            }
            using var scope = NewDisposeScope();
            Tensor input = batch.Tensor.narrow(0, first, count);
            using Generator? generator = objective.Draws ? new Generator(DrawSeed(step, k)) : null;
            Tensor value = objective.BatchLoss(model, input, generator).Loss;
            // Each shard's gradients are its share of the whole batch's mean: its own mean weighted by its rows.
            if (count < rows) value = value.Times((double)count / rows);
            IList<Tensor> shardGradients = torch.autograd.grad([value], parameters);
            using (no_grad())
                for (int i = 0; i < parameters.Length; i++) gradientViews[k][i].copy_(shardGradients[i]);
            return value.item<float>();
        }
        if (workers is null) shardResults[0] = RunShard(0);
        else workers.Run(RunShard, shardResults);
        double batchLoss = shardResults.Sum();
        AdamUpdate.Step(moments, workers, shardResults, (from, to) => Update(from, to, rate));
        return batchLoss;
    }

    /// <inheritdoc />
    public double TestLoss(AutoEncoderModel trained, Tensor test, ReconstructionLoss kind)
    {
        if (objective.IsPlain)
        {
            TestTerms = null;
            return Trainer.MeanLoss(trained, test, kind);
        }
        // The objective on the held-out rows, with draws seeded the same after every epoch: epochs compare on
        // the same noise and the same posterior samples.
        trained.eval();
        using var noGrad = no_grad();
        using var generator = new Generator(DrawSeed(-1, 0));
        double loss = 0, reconstruction = 0, divergence = 0;
        long rows = test.shape[0];
        for (long start = 0; start < rows; start += Trainer.EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            Tensor chunk = test.narrow(0, start, Math.Min(Trainer.EvaluationChunk, rows - start));
            ReconstructionObjective.Terms terms = objective.BatchLoss(trained, chunk, generator);
            double share = (double)chunk.shape[0] / rows;
            loss += terms.Loss.item<float>() * share;
            if (terms.Reconstruction is { } r && terms.Divergence is { } d)
            {
                reconstruction += r.item<float>() * share;
                divergence += d.item<float>() * share;
            }
        }
        TestTerms = objective.Beta is null ? null : (reconstruction, divergence);
        return loss;
    }

    /// <inheritdoc />
    public (double Reconstruction, double Divergence)? TestTerms { get; private set; }

    // Seeds one shard's draws at one Adam step; distinct for every (run seed, step, shard).
    private ulong DrawSeed(long step, int shard) => unchecked((ulong)(seed * 1_000_003 + step * 257 + shard + 1));

    /// <summary>The mean per-feature loss of the model's raw output against <paramref name="target"/>: BCE with logits, or MSE of a linear output.</summary>
    public static Tensor Loss(Tensor output, Tensor target, ReconstructionLoss loss) => loss == ReconstructionLoss.Bce
        ? nn.functional.binary_cross_entropy_with_logits(output, target)
        : nn.functional.mse_loss(output, target);

    /// <summary>Updates elements [<paramref name="from"/>, <paramref name="to"/>) of the flat vector that the parameters make end to end.</summary>
    private void Update(int from, int to, double rate)
    {
        int offset = 0;
        foreach (Parameter parameter in parameters)
        {
            int count = (int)parameter.numel(), low = Math.Max(from, offset), high = Math.Min(to, offset + count);
            if (low < high)
            {
                // The parameter's own memory, written in place: libtorch keeps parameters contiguous.
                Span<float> values = MemoryMarshal.Cast<byte, float>(parameter.bytes);
                AdamUpdate.Apply(values.Slice(low - offset, high - low), gradientMemory, moments, low, rate);
            }
            offset += count;
        }
    }

    /// <summary>Views of <paramref name="buffer"/>, one per parameter and of its shape, end to end in the parameters' order.</summary>
    private Tensor[] ParameterViews(SharedBuffer buffer)
    {
        long offset = 0;
        var views = new Tensor[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            views[i] = buffer.Slice(offset, parameters[i].shape);
            offset += parameters[i].numel();
        }
        return views;
    }

    /// <inheritdoc />
    public void CopyToModel()
    {
        // The model's parameters are the ones trained.
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => moments.Save(writer);

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => moments.Load(reader);

    /// <inheritdoc />
    public void Dispose()
    {
        workers?.Dispose();
        foreach (Tensor view in gradientViews.SelectMany(v => v)) view.Dispose();
        foreach (SharedBuffer buffer in gradients) buffer.Dispose();
        batch.Dispose();
    }
}
