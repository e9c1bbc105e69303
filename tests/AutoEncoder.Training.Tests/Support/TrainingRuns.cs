using AutoEncoder.Training.Config;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Preprocessing;
using TorchSharp;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>Short, real training runs on slices of real MNIST.</summary>
internal static class TrainingRuns
{
    /// <summary>
    /// A small configuration: <paramref name="epochs"/> epochs of batch 64 with the given architecture, resolved
    /// as the trainer resolves it for MNIST (intensities unscaled, BCE).
    /// </summary>
    public static TrainingConfig Config(ModelConfig? model = null, int epochs = 1, long seed = 0) =>
        TrainingConfig.SeedPreset with
        {
            Model = model ?? TrainingConfig.SeedPreset.Model, Epochs = epochs, BatchSize = 64, Seed = seed,
            Scaling = "none", Loss = ReconstructionLoss.Bce,
        };

    /// <summary>Trains <paramref name="config"/> on the first <paramref name="trainImages"/> training images.</summary>
    public static Trainer Run(TrainingConfig config, int trainImages = 4000, int testImages = 1000)
    {
        var trainer = new Trainer(config, Mnist.DataSet.Checksums);
        trainer.Run(Mnist.DataSet.Train.Take(trainImages), Mnist.DataSet.Test.Take(testImages), new QuietProgress(), CancellationToken.None);
        return trainer;
    }

    /// <summary>
    /// Exports <paramref name="trainer"/>'s model through the parity gate on the first <paramref name="rows"/>
    /// test images (MNIST intensities, so no scaling: the exported graphs start at the first Gemm).
    /// </summary>
    public static ModelExport.Result Export(Trainer trainer, int rows)
    {
        TrainingConfig config = trainer.State.Config;
        var source = new ModelExport.Source(trainer.Model, config, FeatureScaler.Fit(ScalingRule.Parse("none"), Mnist.DataSet.Test.Take(1)),
            Mnist.DataSet.Image, trainer.State.DataChecksums, trainer.State.History[^1].TestLoss);
        return ModelExport.Build(source, Mnist.TestPixels(rows), rows);
    }

    /// <summary>Every parameter, flattened, in registration order.</summary>
    public static float[] Weights(torch.nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();
}
