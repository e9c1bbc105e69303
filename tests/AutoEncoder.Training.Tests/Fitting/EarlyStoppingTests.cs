using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Preprocessing;
using AutoEncoder.Training.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>
/// <c>--early-stopping</c>: a 784-64-2 ReLU network on 300 MNIST rows with Adam 1e-2 overfits within a few dozen
/// epochs, so its held-out loss turns up and the run stops.
/// </summary>
public sealed class EarlyStoppingTests : IDisposable
{
    private const int Patience = 3;
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static TrainingConfig Config() => TrainingRuns.Config(new ModelConfig(784, [64], 2, Activation.Relu), epochs: 60) with
    {
        LearningRate = 1e-2, Patience = Patience,
    };

    private static bool Train(Trainer trainer, Action? epochCompleted = null) =>
        trainer.Run(Mnist.DataSet.Train.Take(300), Mnist.DataSet.Test.Take(200), new QuietProgress(), CancellationToken.None, epochCompleted);

    [Fact]
    public void The_run_stops_after_patience_epochs_without_a_lower_loss()
    {
        using var trainer = new Trainer(Config(), Mnist.DataSet.Checksums);

        Assert.True(Train(trainer));

        CheckpointState state = trainer.State;
        double[] losses = [.. state.History.Select(e => e.TestLoss)];
        Assert.True(state.StoppedEarly);
        Assert.True(state.CompletedEpochs < 60, "the run did not stop early");
        Assert.Equal(Patience, state.CompletedEpochs - state.BestEpoch);
        Assert.Equal(losses.Min(), losses[state.BestEpoch - 1]);
    }

    [Fact]
    public void The_finished_model_holds_the_best_epochs_weights()
    {
        using var trainer = new Trainer(Config(), Mnist.DataSet.Checksums);
        Train(trainer);

        using Tensor held = tensor(Mnist.DataSet.Test.Take(200).Rows, [200, 784]);
        double loss = Trainer.MeanLoss(trainer.Model, held);

        // The same weights on the same rows in the same chunks: the epoch's recorded loss, to float32 rounding
        // of the mean (the record is a float32 loss per chunk summed in doubles, as here).
        Assert.Equal(trainer.State.Kept.TestLoss, loss, 6);
    }

    [Fact]
    public void A_run_resumed_from_a_checkpoint_keeps_the_same_best_weights()
    {
        using var straight = new Trainer(Config(), Mnist.DataSet.Checksums);
        Train(straight);
        Assert.True(straight.State.BestEpoch > 2);

        // A checkpoint after epoch 2, as --checkpoint-every writes: best weights of epoch ≤ 2 travel with it.
        using (var first = new Trainer(Config(), Mnist.DataSet.Checksums))
            Train(first, () =>
            {
                if (first.State.CompletedEpochs == 2) first.SaveCheckpoint(folder.File("checkpoint.bin"));
            });
        using var resumed = new Trainer(folder.File("checkpoint.bin"));
        Train(resumed);

        Assert.Equal(straight.State.BestEpoch, resumed.State.BestEpoch);
        Assert.Equal(TrainingRuns.Weights(straight.Model), TrainingRuns.Weights(resumed.Model));
    }

    [Fact]
    public void Validation_rows_are_held_out_of_the_training_rows_and_the_test_rows_stay_unseen()
    {
        DataSet data = Mnist.DataSet with { Train = Mnist.DataSet.Train.Take(1000), Test = Mnist.DataSet.Test.Take(100) };
        TrainingConfig config = TrainingRuns.Config() with { Patience = 2 };

        TrainingData prepared = TrainingData.Prepare(data, config);

        Assert.Equal(900, prepared.Train.Count);
        Assert.Equal(100, prepared.Evaluation.Count);
        // Every training row lands in exactly one of the two (MNIST rows are distinct images here).
        static string Key(DataSplit split, int r) => Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(split.Rows.AsSpan(r * 784, 784)));
        var rows = new HashSet<string>(Enumerable.Range(0, 1000).Select(r => Key(data.Train, r)));
        var seen = Enumerable.Range(0, 900).Select(r => Key(prepared.Train, r)).Concat(Enumerable.Range(0, 100).Select(r => Key(prepared.Evaluation, r))).ToList();
        Assert.Equal(1000, seen.Distinct().Count());
        Assert.All(seen, key => Assert.Contains(key, rows));
    }
}
