using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Fitting;

public sealed class CheckpointTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static void Train(Trainer trainer, int trainImages, QuietProgress progress, CancellationToken stop) =>
        trainer.Run(Mnist.DataSet.Train.Take(trainImages), Mnist.DataSet.Test.Take(200), progress, stop);

    // Two epochs straight against one epoch, a checkpoint and a resumed second: the same weights and held-out losses, bit for bit.
    private void AssertResumeAfterEpochOneMatches(TrainingConfig config)
    {
        using Trainer straight = TrainingRuns.Run(config, trainImages: 1000, testImages: 200);

        using (Trainer first = TrainingRuns.Run(config with { Epochs = 1 }, trainImages: 1000, testImages: 200))
            first.SaveCheckpoint(folder.File("checkpoint.bin"));
        using var resumed = new Trainer(folder.File("checkpoint.bin"), epochs: 2);
        Train(resumed, 1000, new QuietProgress(), CancellationToken.None);

        Assert.Equal(TrainingRuns.Weights(straight.Model), TrainingRuns.Weights(resumed.Model));
        Assert.Equal(straight.State.History.Select(e => e.TestLoss), resumed.State.History.Select(e => e.TestLoss));
    }

    [Fact]
    public void Resuming_after_an_epoch_gives_the_same_weights_as_an_uninterrupted_run()
    {
        TrainingConfig config = TrainingRuns.Config(epochs: 2);
        AssertResumeAfterEpochOneMatches(config);
    }

    [Theory]
    [InlineData("vae")]
    [InlineData("masking:0.3")]
    public void A_run_that_draws_noise_or_samples_resumes_drawing_what_an_uninterrupted_one_draws(string kind)
    {
        TrainingConfig config = kind == "vae"
            ? TrainingRuns.Config(new ModelConfig(784, [32], 2, Activation.Relu, Variational: true), epochs: 2) with { Objective = TrainingObjective.Vae, Path = TrainingPath.Autograd, Threads = 2 }
            : TrainingRuns.Config(new ModelConfig(784, [32], 2, Activation.Relu), epochs: 2) with { Noise = kind, Threads = 2 };
        AssertResumeAfterEpochOneMatches(config);
    }

    [Fact]
    public void Ctrl_c_mid_epoch_saves_a_checkpoint_that_resumes_bit_for_bit()
    {
        TrainingConfig config = TrainingRuns.Config(epochs: 1);
        using Trainer straight = TrainingRuns.Run(config, trainImages: 1000, testImages: 200);

        using var stop = new CancellationTokenSource();
        using (var interrupted = new Trainer(config, Mnist.DataSet.Checksums))
        {
            Train(interrupted, 1000, new QuietProgress(stop, stopAfterBatch: 5), stop.Token);
            Assert.False(interrupted.State.IsComplete);
            Assert.Equal(5, interrupted.State.CompletedBatches);
            interrupted.SaveCheckpoint(folder.File("checkpoint.bin"));
        }
        using var resumed = new Trainer(folder.File("checkpoint.bin"));
        Train(resumed, 1000, new QuietProgress(), CancellationToken.None);

        Assert.Equal(TrainingRuns.Weights(straight.Model), TrainingRuns.Weights(resumed.Model));
        Assert.Equal(straight.State.History[0].TrainLoss, resumed.State.History[0].TrainLoss, precision: 12);
    }

    [Fact]
    public void A_truncated_checkpoint_is_refused()
    {
        using (Trainer trainer = TrainingRuns.Run(TrainingRuns.Config(), trainImages: 200, testImages: 50))
            trainer.SaveCheckpoint(folder.File("checkpoint.bin"));
        byte[] bytes = File.ReadAllBytes(folder.File("checkpoint.bin"));
        File.WriteAllBytes(folder.File("checkpoint.bin"), bytes[..(bytes.Length - 100)]);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder.File("checkpoint.bin")));

        Assert.StartsWith("checkpoint.bin: expected a block of", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused()
    {
        File.WriteAllText(folder.File("checkpoint.bin"), "hello");

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder.File("checkpoint.bin")));

        Assert.Equal("checkpoint.bin: expected a checkpoint starting with 'AECKPT01', found another file", error.Message);
    }

    // Bounded mutation fuzzing (fixed seed): every mutant of a real checkpoint either resumes or is refused
    // with InvalidDataException, the one exception resuming documents for a file that exists.
    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_checkpoints_resume_or_are_refused_as_invalid()
    {
        using (Trainer trainer = TrainingRuns.Run(TrainingRuns.Config(), trainImages: 200, testImages: 50))
            trainer.SaveCheckpoint(folder.File("valid.bin"));
        byte[] valid = File.ReadAllBytes(folder.File("valid.bin"));
        string path = folder.File("checkpoint.bin");

        Mutations.Run(valid, 10_000, seed: 4, mutant =>
        {
            File.WriteAllBytes(path, mutant);
            using var trainer = new Trainer(path);
        }, typeof(InvalidDataException));
    }
}
