using System.Diagnostics;

namespace AutoEncoder.Training.Cli;

/// <summary>Samples per second and time remaining for the epoch in progress.</summary>
internal sealed class ThroughputClock
{
    private readonly Stopwatch clock = new();
    private long rows;
    private int batchesDone;
    private int batchesLeftAtStart;

    /// <summary>Restarts for an epoch with <paramref name="batchesLeft"/> batches to run.</summary>
    public void Restart(int batchesLeft)
    {
        rows = 0;
        batchesDone = 0;
        batchesLeftAtStart = batchesLeft;
        clock.Restart();
    }

    /// <summary>Counts one finished batch of <paramref name="batchRows"/> rows.</summary>
    public void Add(int batchRows)
    {
        rows += batchRows;
        batchesDone++;
    }

    /// <summary>Seconds since <see cref="Restart"/>.</summary>
    public double Elapsed => clock.Elapsed.TotalSeconds;

    /// <summary>Rows per second so far in this epoch.</summary>
    public double SamplesPerSecond => Elapsed > 0 ? rows / Elapsed : 0;

    /// <summary>Estimated time to finish the epoch, from the pace so far.</summary>
    public TimeSpan Remaining => batchesDone == 0
        ? TimeSpan.Zero
        : TimeSpan.FromSeconds(Elapsed / batchesDone * (batchesLeftAtStart - batchesDone));
}
