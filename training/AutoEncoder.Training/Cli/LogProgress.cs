using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Fitting;

namespace AutoEncoder.Training.Cli;

/// <summary>Progress as plain lines, for logs and CI where a live bar cannot redraw: about every 10%.</summary>
internal sealed class LogProgress(TextWriter output) : ITrainingProgress
{
    private readonly ThroughputClock clock = new();
    private int epoch, epochs, batches, nextReport;

    /// <inheritdoc />
    public void EpochStarted(int epoch, int epochs, int batches, int firstBatch)
    {
        (this.epoch, this.epochs, this.batches) = (epoch, epochs, batches);
        nextReport = firstBatch + Math.Max(1, batches / 10);
        clock.Restart(batches - firstBatch);
    }

    /// <inheritdoc />
    public void BatchCompleted(int batch, int rows, double runningLoss)
    {
        clock.Add(rows);
        if (batch < nextReport || batch == batches) return;
        nextReport += Math.Max(1, batches / 10);
        output.WriteLine(
            $"epoch {epoch}/{epochs}  batch {batch,6}/{batches}  {100.0 * batch / batches,3:F0}%  " +
            $"loss {runningLoss:F4}  {clock.SamplesPerSecond,8:N0} samples/s  ETA {clock.Remaining:m\\:ss}");
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record) =>
        output.WriteLine(
            $"epoch {record.Epoch}/{epochs}  train loss {record.TrainLoss:F4}  test loss {record.TestLoss:F4}  " +
            $"({record.Seconds:F1} s)");
}
