using System.Text.Json.Serialization;

namespace AutoEncoder.Training.Artifacts;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean loss over the epoch's batches (per feature for reconstruction, per row for the negative ELBO).</param>
/// <param name="TestLoss">The same loss on the held-out rows after the epoch.</param>
/// <param name="Seconds">Time spent in the epoch's training steps (excluding the test pass).</param>
/// <param name="TestReconstruction">A variational run's held-out reconstruction term (nats per row); absent otherwise.</param>
/// <param name="TestKl">A variational run's held-out KL term (nats per row); absent otherwise.</param>
internal sealed record EpochRecord(int Epoch, double TrainLoss, double TestLoss, double Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestReconstruction = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TestKl = null);
