using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Fitting;

public sealed class TrainerTests
{
    [Fact]
    public void Same_seed_and_threads_give_bit_identical_weights()
    {
        TrainingConfig config = TrainingRuns.Config(epochs: 1, seed: 7);

        using Trainer first = TrainingRuns.Run(config, trainImages: 2000);
        using Trainer second = TrainingRuns.Run(config, trainImages: 2000);

        Assert.Equal(TrainingRuns.Weights(first.Model), TrainingRuns.Weights(second.Model));
    }

    [Fact]
    public void Different_seeds_give_different_weights()
    {
        using Trainer first = TrainingRuns.Run(TrainingRuns.Config(seed: 1), trainImages: 500);
        using Trainer second = TrainingRuns.Run(TrainingRuns.Config(seed: 2), trainImages: 500);

        Assert.NotEqual(TrainingRuns.Weights(first.Model), TrainingRuns.Weights(second.Model));
    }

    [Fact]
    public void One_epoch_on_real_mnist_cuts_test_loss_well_below_the_untrained_model()
    {
        using var test = torch.tensor(Mnist.TestPixels(2000), [2000, 784]);
        TrainingConfig config = TrainingRuns.Config(new ModelConfig(784, [64], 2, Activation.Relu));
        torch.manual_seed(config.Seed);
        using var untrained = new AutoEncoderModel(config.Model);
        double before = Trainer.MeanLoss(untrained, test);

        using Trainer trainer = TrainingRuns.Run(config, trainImages: 10_000);
        double after = Trainer.MeanLoss(trainer.Model, test);

        // An untrained net outputs ≈ 0.5 everywhere (BCE ≈ ln 2 ≈ 0.69); predicting each pixel's mean
        // already reaches ≈ 0.27, so requiring under 0.30 proves learning while leaving room for noise.
        Assert.InRange(before, 0.6, 0.8);
        Assert.True(after < 0.30, $"test BCE after one epoch: {after:F4} (untrained {before:F4})");
    }

    [Fact]
    public void Records_train_and_test_loss_for_every_epoch()
    {
        using Trainer trainer = TrainingRuns.Run(TrainingRuns.Config(epochs: 2), trainImages: 1000, testImages: 200);

        Assert.Equal([1, 2], trainer.State.History.Select(e => e.Epoch));
        Assert.All(trainer.State.History, e => Assert.InRange(e.TestLoss, 0.05, 0.7));
        Assert.True(trainer.State.IsComplete);
    }

    [Fact]
    public void A_loss_that_becomes_infinite_stops_training_naming_epoch_and_batch()
    {
        // A learning rate of 1e30 makes weights ~1e30, whose 784-term sums overflow float32 within a few steps.
        TrainingConfig config = TrainingRuns.Config() with { LearningRate = 1e30 };
        using var trainer = new Trainer(config, Mnist.DataSet.Checksums);

        var error = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Run(Mnist.DataSet.Train.Take(2000), Mnist.DataSet.Test.Take(100), new QuietProgress(), CancellationToken.None));

        Assert.Equal(1, error.Epoch);
        Assert.Matches(@"^training diverged: loss is (NaN|∞|-∞|Infinity) at epoch 1, batch \d+; no model written", error.Message);
    }

    [Fact]
    public void Shuffle_is_a_permutation_that_changes_with_epoch_and_seed()
    {
        long[] Order(long seed, int epoch) => Trainer.ShuffleOrder(1000, seed, epoch);

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), Order(0, 0).Order());
        Assert.Equal(Order(0, 0), Order(0, 0));
        Assert.NotEqual(Order(0, 0), Order(0, 1));
        Assert.NotEqual(Order(0, 0), Order(1, 0));
    }
}
