using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;

namespace AutoEncoder.Training.Bench;

/// <summary>Times the real training loop of a preset, as <c>autoencoder train</c> runs it.</summary>
internal static class TrainingBenchmark
{
    /// <summary>What one timed run achieved.</summary>
    public sealed record Run(string Name, double Seconds, long Steps, long Samples, double FinalTrainLoss, double Gflops)
    {
        /// <summary>Adam steps per second.</summary>
        public double StepsPerSecond => Steps / Seconds;

        /// <summary>Training images per second.</summary>
        public double SamplesPerSecond => Samples / Seconds;

        /// <summary>Matrix-multiply GFLOP/s achieved.</summary>
        public double GflopsPerSecond => Gflops / Seconds;
    }

    /// <summary>Trains <paramref name="config"/> on <paramref name="data"/> and reports the training loop's time.</summary>
    public static Run Measure(string name, TrainingConfig config, DataSet data, ITrainingProgress progress)
    {
        config = TrainingData.Resolve(config, data);
        using var trainer = new Trainer(config, data.Checksums);
        trainer.Run(data.Train, data.Test, progress, CancellationToken.None);
        long stepsPerEpoch = (data.Train.Count + config.BatchSize - 1) / config.BatchSize;
        long fullBatches = data.Train.Count / config.BatchSize, lastRows = data.Train.Count % config.BatchSize;
        LayerPlan plan = trainer.Model.Plan;
        double flopsPerEpoch = fullBatches * plan.TrainingFlops(config.BatchSize) + (lastRows > 0 ? plan.TrainingFlops((int)lastRows) : 0);
        return new Run(name, trainer.State.TrainSeconds, stepsPerEpoch * config.Epochs, (long)data.Train.Count * config.Epochs,
            trainer.State.History[^1].TrainLoss, flopsPerEpoch * config.Epochs / 1e9);
    }
}
