using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Fitting;

namespace AutoEncoder.Training.Cli;

/// <summary>No progress at all, for <c>train --quiet</c>.</summary>
internal sealed class SilentProgress : ITrainingProgress
{
    /// <inheritdoc />
    public void EpochStarted(int epoch, int epochs, int batches, int firstBatch) { }

    /// <inheritdoc />
    public void BatchCompleted(int batch, int rows, double runningLoss) { }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record) { }
}
