using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Fitting;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>Progress sink that prints nothing and can press "Ctrl+C" after a given batch.</summary>
internal sealed class QuietProgress(CancellationTokenSource? stop = null, int stopAfterBatch = int.MaxValue) : ITrainingProgress
{
    /// <summary>Epoch records received, in order.</summary>
    public List<EpochRecord> Epochs { get; } = [];

    /// <inheritdoc />
    public void EpochStarted(int epoch, int epochs, int batches, int firstBatch) { }

    /// <inheritdoc />
    public void BatchCompleted(int batch, int rows, double runningLoss)
    {
        if (batch == stopAfterBatch) stop?.Cancel();
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record) => Epochs.Add(record);
}
