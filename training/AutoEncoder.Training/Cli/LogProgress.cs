using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Fitting;

namespace AutoEncoder.Training.Cli;

/// <summary>
/// Progress as plain lines, for logs and CI where a live bar cannot redraw: one line per epoch with the time
/// left for the whole run, and within an epoch a line only when it has been quiet for
/// <see cref="QuietSeconds"/> (a long epoch still shows it is alive; a 40-epoch run of short ones prints 40 lines).
/// </summary>
internal sealed class LogProgress(TextWriter output) : ITrainingProgress
{
    /// <summary>The longest a long epoch goes without a line.</summary>
    public const double QuietSeconds = 30;

    private readonly ThroughputClock clock = new();
    private int epoch, epochs, batches, epochsTimed;
    private double lastLine, secondsTimed;

    /// <inheritdoc />
    public void EpochStarted(int epoch, int epochs, int batches, int firstBatch)
    {
        (this.epoch, this.epochs, this.batches) = (epoch, epochs, batches);
        clock.Restart(batches - firstBatch);
        lastLine = 0;
    }

    /// <inheritdoc />
    public void BatchCompleted(int batch, int rows, double runningLoss)
    {
        clock.Add(rows);
        if (clock.Elapsed - lastLine < QuietSeconds || batch == batches) return;
        lastLine = clock.Elapsed;
        output.WriteLine(
            $"epoch {epoch}/{epochs}  batch {batch:N0}/{batches:N0} ({100.0 * batch / batches:F0}%)  loss {runningLoss:F4}  " +
            $"{clock.SamplesPerSecond:N0} samples/s  epoch ends in {clock.Remaining:m\\:ss}");
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record)
    {
        // The run's remaining time from the mean of the epochs timed here (a resumed epoch counts as run).
        (secondsTimed, epochsTimed) = (secondsTimed + clock.Elapsed, epochsTimed + 1);
        var remaining = TimeSpan.FromSeconds(secondsTimed / epochsTimed * (epochs - record.Epoch));
        output.WriteLine(
            $"epoch {record.Epoch}/{epochs}  train loss {record.TrainLoss:F4}  held-out loss {record.TestLoss:F4}{Terms(record)}  " +
            $"({record.Seconds:F1} s{(record.Epoch < epochs ? $", run ends in {remaining:h\\:mm\\:ss}" : "")})");
    }

    /// <summary>A variational run's two parts of the held-out loss, for the epoch's line; empty otherwise.</summary>
    internal static string Terms(EpochRecord record) => record.TestReconstruction is { } r && record.TestKl is { } kl
        ? $" (reconstruction {r:F2} + KL {kl:F2})" : "";
}
