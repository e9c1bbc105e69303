using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Model;
using TorchSharp;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>Short, real training runs on slices of real MNIST.</summary>
internal static class TrainingRuns
{
    /// <summary>A small configuration: <paramref name="epochs"/> epochs of batch 64 with the given architecture.</summary>
    public static TrainingConfig Config(ModelConfig? model = null, int epochs = 1, long seed = 0) =>
        TrainingConfig.SeedPreset with { Model = model ?? TrainingConfig.SeedPreset.Model, Epochs = epochs, BatchSize = 64, Seed = seed };

    /// <summary>Trains <paramref name="config"/> on the first <paramref name="trainImages"/> training images.</summary>
    public static Trainer Run(TrainingConfig config, int trainImages = 4000, int testImages = 1000)
    {
        var trainer = new Trainer(config, Mnist.DataSet.Checksums);
        trainer.Run(Mnist.DataSet.Train.Take(trainImages), Mnist.DataSet.Test.Take(testImages), new QuietProgress(), CancellationToken.None);
        return trainer;
    }

    /// <summary>Every parameter, flattened, in registration order.</summary>
    public static float[] Weights(torch.nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
}
