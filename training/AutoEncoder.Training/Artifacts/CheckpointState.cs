using System.Text.Json.Serialization;
using AutoEncoder.Training.Config;

namespace AutoEncoder.Training.Artifacts;

/// <summary>Where training stands: enough, with the weights and Adam's moments, to resume bit for bit.</summary>
/// <param name="Config">The configuration being trained.</param>
/// <param name="CompletedEpochs">Epochs fully done (and evaluated).</param>
/// <param name="CompletedBatches">Batches done in the epoch after those (non-zero after Ctrl+C).</param>
/// <param name="EpochLossSum">Row-weighted sum of batch losses so far in the current epoch.</param>
/// <param name="EpochRows">Rows seen so far in the current epoch.</param>
/// <param name="EpochSeconds">Training time spent so far in the current epoch.</param>
/// <param name="History">One record per completed epoch.</param>
/// <param name="DataChecksums">SHA-256 of the data files trained on.</param>
/// <param name="BestEpoch">Early stopping: the epoch of least validation loss so far (0 before the first).</param>
/// <param name="StoppedEarly">Early stopping ended the run: it is finished, with the best epoch's weights.</param>
internal sealed record CheckpointState(
    TrainingConfig Config,
    int CompletedEpochs,
    int CompletedBatches,
    double EpochLossSum,
    long EpochRows,
    double EpochSeconds,
    IReadOnlyList<EpochRecord> History,
    IReadOnlyDictionary<string, string> DataChecksums,
    int BestEpoch = 0,
    bool StoppedEarly = false)
{
    /// <summary>Whether the run is finished: all configured epochs done, or stopped early.</summary>
    [JsonIgnore]
    public bool IsComplete => CompletedEpochs >= Config.Epochs || StoppedEarly;

    /// <summary>The epoch whose weights a finished run keeps: the best one under early stopping, else the last.</summary>
    [JsonIgnore]
    public EpochRecord Kept => BestEpoch > 0 ? History[BestEpoch - 1] : History[^1];

    /// <summary>The training-loop time over completed epochs and the current partial one.</summary>
    [JsonIgnore]
    public double TrainSeconds => History.Sum(e => e.Seconds) + EpochSeconds;

    /// <summary>The state before the first step.</summary>
    public static CheckpointState Fresh(TrainingConfig config, IReadOnlyDictionary<string, string> checksums) =>
        new(config, 0, 0, 0, 0, 0, [], checksums);
}
