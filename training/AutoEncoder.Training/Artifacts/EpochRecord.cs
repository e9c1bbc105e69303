namespace AutoEncoder.Training.Artifacts;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean per-pixel BCE over the epoch's batches.</param>
/// <param name="TestLoss">Mean per-pixel BCE on the test set after the epoch.</param>
/// <param name="Seconds">Time spent in the epoch's training steps (excluding the test pass).</param>
internal sealed record EpochRecord(int Epoch, double TrainLoss, double TestLoss, double Seconds);
