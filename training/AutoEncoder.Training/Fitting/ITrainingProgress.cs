using AutoEncoder.Training.Artifacts;

namespace AutoEncoder.Training.Fitting;

/// <summary>Receives the trainer's progress; implementations draw it for a person or a log.</summary>
internal interface ITrainingProgress
{
    /// <summary>An epoch begins at <paramref name="firstBatch"/> (non-zero when resuming mid-epoch).</summary>
    void EpochStarted(int epoch, int epochs, int batches, int firstBatch);

    /// <summary>Batch <paramref name="batch"/> (1-based) finished; <paramref name="runningLoss"/> is the epoch's mean so far.</summary>
    void BatchCompleted(int batch, int rows, double runningLoss);

    /// <summary>The epoch finished and was evaluated on the test set.</summary>
    void EpochCompleted(EpochRecord record);
}
