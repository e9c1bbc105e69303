using System.Diagnostics;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Network;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Fits an <see cref="AutoEncoderModel"/> with Adam by the step <see cref="TrainingSteps"/> chooses: to
/// reproduce its scaled input (X = y, BCE-with-logits or MSE), or to keep UMAP's neighbour graph in its codes,
/// measuring the step's test loss after every epoch. Deterministic for a given seed and thread count: initial
/// weights come from the seeded global generator and each epoch's order (rows or sampled edges) from a
/// generator seeded by (seed, epoch), so a resumed run replays the same batches.
/// </summary>
internal sealed class Trainer : IDisposable
{
    /// <summary>
    /// Held-out rows evaluated at a time. 2,000 rows of the conv preset made its first activation 50 MB, above
    /// <see cref="NativeHeap"/>'s 32 MB limit, so every chunk was mapped afresh: 500 rows took a six-epoch run on
    /// 19,200 rows from 44 s to 32 s and from 1.5 million page faults to 0.37 million (2026-12-07).
    /// </summary>
    public const int EvaluationChunk = 500;

    private readonly ITrainingStep step;
    private CheckpointState state;
    private byte[]? bestWeights;

    static Trainer() => NativeHeap.KeepLargeBlocks();

    /// <summary>
    /// Starts fresh from <paramref name="config"/>; <paramref name="log"/> hears the steps' preparation (the UMAP graph);
    /// files the configuration names (a graph encoder) are found relative to <paramref name="folder"/>, the run's output folder.
    /// </summary>
    public Trainer(TrainingConfig config, IReadOnlyDictionary<string, string> dataChecksums, Action<string>? log = null, string? folder = null)
    {
        config.Validate();
        torch.set_num_threads(config.Threads);
        torch.manual_seed(config.Seed);
        Model = new AutoEncoderModel(config.Model);
        step = TrainingSteps.Create(Model, config, log, folder);
        state = CheckpointState.Fresh(config, dataChecksums);
    }

    /// <summary>Continues from a checkpoint; <paramref name="epochs"/> may extend the run.</summary>
    public Trainer(string checkpointPath, int? epochs = null, int? threads = null, Action<string>? log = null, string? folder = null)
    {
        (CheckpointState saved, AutoEncoderModel model, byte[] moments) = Checkpoint.Load(checkpointPath);
        TrainingConfig config = saved.Config with
        {
            Epochs = epochs ?? saved.Config.Epochs,
            Threads = threads ?? saved.Config.Threads,
        };
        Model = model;
        try
        {
            torch.set_num_threads(config.Validate().Threads);
            step = TrainingSteps.Create(Model, config, log, folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        try
        {
            using var reader = new BinaryReader(new MemoryStream(moments));
            step.LoadState(reader);
        }
        catch
        {
            Dispose();
            throw;
        }
        state = saved with { Config = config };
        bestWeights = Checkpoint.BestWeights(checkpointPath);
    }

    /// <summary>The model being trained.</summary>
    public AutoEncoderModel Model { get; }

    /// <summary>Where training stands.</summary>
    public CheckpointState State => state;

    /// <summary>
    /// Trains until all epochs are done or <paramref name="stop"/> is signalled; a stop takes effect after
    /// the current batch. <paramref name="epochCompleted"/>, when given, runs after each epoch with the model
    /// up to date (to save a checkpoint). Returns whether all epochs completed.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="ArgumentException">The data do not have the model's input width.</exception>
    public bool Run(DataSplit train, DataSplit test, ITrainingProgress progress, CancellationToken stop, Action? epochCompleted = null)
    {
        int width = state.Config.Model.InputSize;
        if (train.Width != width || test.Width != width)
            throw new ArgumentException($"model expects {width} inputs per row, data have {train.Width}");

        float[] trainPixels = train.Rows;
        using Tensor testPixels = tensor(test.Rows, [test.Count, width]);
        int batchSize = state.Config.BatchSize;
        step.Prepare(train);

        while (!state.IsComplete)
        {
            int epoch = state.CompletedEpochs;
            long[] order = step.EpochOrder(train.Count, state.Config.Seed, epoch);
            int batches = (order.Length + batchSize - 1) / batchSize;
            progress.EpochStarted(epoch + 1, state.Config.Epochs, batches, state.CompletedBatches);
            Model.train();
            // Each shard of a sharded step runs on its own core with one libtorch thread (FusedTrainingStep,
            // AutogradTrainingStep); an unsplit step and the evaluation below split their products over all threads.
            if (step.Sharded) torch.set_num_threads(1);
            var clock = Stopwatch.StartNew();
            for (int b = state.CompletedBatches; b < batches; b++)
            {
                int start = b * batchSize;
                int rows = Math.Min(batchSize, order.Length - start);
                double rate = LearningRates.At(state.Config.Schedule, state.Config.LearningRate,
                    (long)epoch * batches + b, (long)state.Config.Epochs * batches);
                // Dropout draws its masks from libtorch's generator: seeded per step, a resumed run draws the
                // masks an uninterrupted one would.
                if (state.Config.Model.Dropout > 0) torch.random.manual_seed(state.Config.Seed * 1_000_003 + (long)epoch * batches + b);
                // The step disposes its own temporaries: each shard opens a scope on its thread.
                double loss = step.Step(trainPixels, order, start, rows, rate);
                if (!double.IsFinite(loss)) throw new TrainingDivergedException(epoch + 1, b + 1, loss);

                state = state with
                {
                    CompletedBatches = b + 1,
                    EpochLossSum = state.EpochLossSum + loss * rows,
                    EpochRows = state.EpochRows + rows,
                };
                progress.BatchCompleted(b + 1, rows, state.EpochLossSum / state.EpochRows);
                if (stop.IsCancellationRequested && b + 1 < batches)
                {
                    torch.set_num_threads(state.Config.Threads);
                    state = state with { EpochSeconds = state.EpochSeconds + clock.Elapsed.TotalSeconds };
                    step.CopyToModel();
                    return false;
                }
            }
            double seconds = clock.Elapsed.TotalSeconds;
            torch.set_num_threads(state.Config.Threads);
            step.CopyToModel();

            double testLoss = step.TestLoss(Model, testPixels, state.Config.LossKind);
            var record = new EpochRecord(epoch + 1, state.EpochLossSum / state.EpochRows, testLoss, state.EpochSeconds + seconds,
                step.TestTerms?.Reconstruction, step.TestTerms?.Divergence);
            state = state with
            {
                CompletedEpochs = epoch + 1,
                CompletedBatches = 0,
                EpochLossSum = 0,
                EpochRows = 0,
                EpochSeconds = 0,
                History = [.. state.History, record],
            };
            if (state.Config.Patience is int patience) TrackBest(record, patience);
            progress.EpochCompleted(record);
            if (state.IsComplete) RestoreBest();
            if (stop.IsCancellationRequested) return state.IsComplete;
            if (!state.IsComplete) epochCompleted?.Invoke();
        }
        return true;
    }

    /// <summary>Writes the checkpoint (weights, Adam state, configuration, position, best weights) to <paramref name="path"/>.</summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(path, state, Model, step.SaveState, bestWeights);

    /// <summary>Early stopping: remembers an improving epoch's weights, or stops after <paramref name="patience"/> epochs without one.</summary>
    private void TrackBest(EpochRecord record, int patience)
    {
        // Improvement is a strictly lower loss (Keras's min_delta 0): a tie keeps the earlier epoch.
        if (state.BestEpoch == 0 || record.TestLoss < state.History[state.BestEpoch - 1].TestLoss)
        {
            state = state with { BestEpoch = record.Epoch };
            bestWeights = Checkpoint.Weights(Model);
        }
        else if (record.Epoch - state.BestEpoch >= patience) state = state with { StoppedEarly = true };
    }

    /// <summary>A finished run keeps its best epoch's weights (those the checkpoint and the export then hold).</summary>
    private void RestoreBest()
    {
        if (bestWeights is null || state.BestEpoch == state.CompletedEpochs) return;
        using var reader = new BinaryReader(new MemoryStream(bestWeights));
        Model.load(reader, strict: true);
    }

    /// <summary>Mean per-feature loss (BCE or MSE) of the model's reconstructions of <paramref name="pixels"/>.</summary>
    public static double MeanLoss(AutoEncoderModel model, Tensor pixels, ReconstructionLoss kind = ReconstructionLoss.Bce)
    {
        model.eval();
        using var noGrad = no_grad();
        double sum = 0;
        long rows = pixels.shape[0];
        for (long start = 0; start < rows; start += EvaluationChunk)
        {
            using var scope = NewDisposeScope();
            Tensor chunk = pixels.narrow(0, start, Math.Min(EvaluationChunk, rows - start));
            Tensor loss = AutogradTrainingStep.Loss(model.forward(chunk), chunk, kind);
            sum += loss.item<float>() * (double)chunk.shape[0];
        }
        return sum / rows;
    }

    /// <summary>The shuffle of epoch <paramref name="epoch"/>: row j of the epoch is row order[j] of the data,
    /// a Fisher–Yates permutation seeded by (seed, epoch).</summary>
    internal static long[] ShuffleOrder(int count, long seed, int epoch)
    {
        var random = new Random(unchecked((int)(seed * 1_000_003 + epoch)));
        long[] order = new long[count];
        for (int i = 0; i < count; i++) order[i] = i;
        random.Shuffle(order);
        return order;
    }


    /// <inheritdoc />
    public void Dispose()
    {
        step.Dispose();
        Model.Dispose();
    }
}
