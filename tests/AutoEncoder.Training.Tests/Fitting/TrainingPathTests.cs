using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>
/// The general path (autograd) and the fused path train the same network the same way; the fused one is
/// only faster, and only for chains it supports. Both split a batch into one shard per thread, which
/// changes only the order of sums. (Their shared Adam is pinned to TorchSharp's in FusedTrainingStepTests.)
/// </summary>
public sealed class TrainingPathTests
{
    private const int BatchSize = 32, Steps = 25;

    private static AutoEncoderModel Model(Activation activation)
    {
        torch.manual_seed(5);
        return new AutoEncoderModel(new ModelConfig(784, [64, 32], 3, activation));
    }

    /// <summary>A small convolutional autoencoder (4 and 8 channels), the kind of network only autograd trains.</summary>
    private static AutoEncoderModel ConvModel(bool batchNorm = false, double dropout = 0)
    {
        torch.manual_seed(5);
        return new AutoEncoderModel(new ModelConfig(784, [32], 2, Activation.Relu, new ConvOptions([4, 8], [1, 28, 28]), batchNorm, dropout));
    }

    /// <summary>Takes <see cref="Steps"/> steps with <paramref name="step"/>; returns each step's loss.</summary>
    private static double[] Train(ITrainingStep step)
    {
        float[] data = Mnist.DataSet.Train.Take(BatchSize * Steps).Rows;
        long[] order = [.. Enumerable.Range(0, BatchSize * Steps).Select(i => (long)i)];
        double[] losses = [.. Enumerable.Range(0, Steps).Select(s => step.Step(data, order, s * BatchSize, BatchSize, 1e-3))];
        step.CopyToModel();
        return losses;
    }

    /// <summary>
    /// Trains a fresh copy of <paramref name="model"/> with <paramref name="first"/> and another with
    /// <paramref name="second"/>, <see cref="Steps"/> steps each on one libtorch thread; returns each run's
    /// losses and final weights.
    /// </summary>
    private static ((double[] Losses, float[] Weights) First, (double[] Losses, float[] Weights) Second) TrainCopies(
        Func<AutoEncoderModel> model, Func<AutoEncoderModel, ITrainingStep> first, Func<AutoEncoderModel, ITrainingStep> second)
    {
        torch.set_num_threads(1);
        (double[], float[]) Run(Func<AutoEncoderModel, ITrainingStep> create)
        {
            using AutoEncoderModel copy = model();
            using ITrainingStep step = create(copy);
            double[] losses = Train(step);
            return (losses, TrainingRuns.Weights(copy));
        }
        return (Run(first), Run(second));
    }

    [Theory]
    [InlineData("linear", 1)]
    [InlineData("relu", 1)]
    [InlineData("tanh", 2)]
    [InlineData("sigmoid", 2)]
    public void Fused_and_autograd_paths_give_the_same_losses_and_weights_after_25_steps(string activation, int threads)
    {
        var (fused, autograd) = TrainCopies(() => Model(Enum.Parse<Activation>(activation, ignoreCase: true)),
            m => new FusedTrainingStep(m, BatchSize, threads), m => new AutogradTrainingStep(m, BatchSize));

        // Losses are means of 25,088 BCE terms near 0.7, summed in float64 (fused) and float32 (libtorch):
        // they agree to a few float32 ulps of the mean (measured here: at most 2.0e-7 over these cases).
        for (int s = 0; s < Steps; s++) Assert.Equal(autograd.Losses[s], fused.Losses[s], tolerance: 1e-6);
        // Each Adam step moves a weight by at most ~lr = 1e-3; 25 steps of two float32 implementations that
        // differ in summation order agree far inside one step's size (measured here: at most 8.3e-7).
        Close.Assert(autograd.Weights, fused.Weights, atol: 2e-6);
    }

    [Fact]
    public void The_autograd_step_split_over_two_threads_gives_the_losses_and_weights_of_the_whole_batch()
    {
        var (whole, split) = TrainCopies(() => ConvModel(),
            m =>
            {
                var step = new AutogradTrainingStep(m, BatchSize);
                Assert.False(step.Sharded);
                return step;
            },
            m =>
            {
                var step = new AutogradTrainingStep(m, BatchSize, threads: 2);
                Assert.True(step.Sharded);
                return step;
            });

        // The split loss is the sum of two half-batch means, each weighted by one half: a float32 ulp or two
        // of a mean near 0.7 apart from libtorch's one mean (measured here: at most 8.9e-8).
        for (int s = 0; s < Steps; s++) Assert.Equal(whole.Losses[s], split.Losses[s], tolerance: 1e-6);
        // The gradients differ by summation order only (two half-batch sums added); after 25 Adam steps of at most
        // ~lr = 1e-3 each the weights agree far inside one step's size (measured here: at most 3.0e-8).
        Close.Assert(whole.Weights, split.Weights, atol: 1e-6);
    }

    [Fact]
    public void A_batch_of_one_row_over_two_autograd_shards_trains_as_one_shard()
    {
        using AutoEncoderModel wholeModel = ConvModel(), splitModel = ConvModel();
        torch.set_num_threads(1);
        float[] row = Mnist.DataSet.Train.Take(1).Rows;
        using (var whole = new AutogradTrainingStep(wholeModel, BatchSize))
        using (var split = new AutogradTrainingStep(splitModel, BatchSize, threads: 2))
        {
            double wholeLoss = whole.Step(row, [0], 0, 1, 1e-3), splitLoss = split.Step(row, [0], 0, 1, 1e-3);

            // One row goes to the first shard whole, and the empty one adds zero gradients: the same arithmetic.
            Assert.Equal(wholeLoss, splitLoss);
        }
        Assert.Equal(TrainingRuns.Weights(wholeModel), TrainingRuns.Weights(splitModel));
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 0.2)]
    public void Batch_normalisation_or_dropout_keeps_the_batch_whole(bool batchNorm, double dropout)
    {
        using AutoEncoderModel model = ConvModel(batchNorm, dropout);

        using var step = new AutogradTrainingStep(model, BatchSize, threads: 2);

        // Split, each shard would normalise by its own statistics and draw its dropout masks in thread order.
        Assert.False(AutogradTrainingStep.Splits(model.Plan));
        Assert.False(step.Sharded);
    }

    [Fact]
    public void Auto_takes_the_fused_path_for_linear_chains_and_autograd_for_anything_else()
    {
        using AutoEncoderModel relu = Model(Activation.Relu), leaky = Model(Activation.LeakyRelu);

        TrainingConfig auto = TrainingRuns.Config() with { Path = TrainingPath.Auto };

        Assert.Equal(TrainingPath.Fused, TrainingSteps.Resolve(relu.Plan, auto));
        Assert.Equal(TrainingPath.Autograd, TrainingSteps.Resolve(leaky.Plan, auto));
        Assert.Equal(TrainingPath.Autograd, TrainingSteps.Resolve(relu.Plan, auto with { Path = TrainingPath.Autograd }));
        Assert.Equal(TrainingPath.Autograd, TrainingSteps.Resolve(relu.Plan, auto with { Loss = ReconstructionLoss.Mse }));
    }

    [Fact]
    public void The_fused_step_refuses_a_network_it_cannot_compute_naming_the_layer()
    {
        using AutoEncoderModel leaky = Model(Activation.LeakyRelu);

        var error = Assert.Throws<NotSupportedException>(() => new FusedTrainingStep(leaky, BatchSize));

        Assert.StartsWith("the fused training step cannot train this model: encoder.1 (LeakyRelu) is not part of a chain", error.Message);
    }

    [Fact]
    public void A_leaky_relu_model_trains_through_autograd_and_learns()
    {
        TrainingConfig config = TrainingRuns.Config(new ModelConfig(784, [64], 2, Activation.LeakyRelu), epochs: 2);

        using Trainer trainer = TrainingRuns.Run(config, trainImages: 2000, testImages: 500);

        Assert.True(trainer.State.History[^1].TestLoss < trainer.State.History[0].TestLoss + 1e-9 &&
                    trainer.State.History[^1].TestLoss < 0.3, $"test loss {trainer.State.History[^1].TestLoss}");
    }

    [Fact]
    public void The_autograd_path_retrains_to_identical_weights_for_a_fixed_seed_and_thread_count()
    {
        TrainingConfig config = TrainingRuns.Config(new ModelConfig(784, [32], 2, Activation.Relu)) with { Path = TrainingPath.Autograd, Threads = 2 };

        using Trainer first = TrainingRuns.Run(config, trainImages: 1000, testImages: 100);
        using Trainer second = TrainingRuns.Run(config, trainImages: 1000, testImages: 100);

        Assert.Equal(TrainingRuns.Weights(first.Model), TrainingRuns.Weights(second.Model));
    }
}
