using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Fitting;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary>A live progress bar per epoch on an interactive terminal.</summary>
internal sealed class LiveProgress : ITrainingProgress
{
    // Redrawing the description costs a string format; a few per second is all a person can read.
    const double DescriptionRefreshSeconds = 0.2;

    private readonly ProgressContext context;
    private readonly ThroughputClock clock = new();
    private ProgressTask? task;
    private int epoch, epochs;
    private double lastRefresh;

    private LiveProgress(ProgressContext context) => this.context = context;

    /// <summary>Runs <paramref name="work"/> while drawing its progress; returns what it returns.</summary>
    public static T Show<T>(Func<ITrainingProgress, T> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => work(new LiveProgress(context)));

    /// <inheritdoc />
    public void EpochStarted(int epoch, int epochs, int batches, int firstBatch)
    {
        (this.epoch, this.epochs) = (epoch, epochs);
        task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: batches);
        task.Value = firstBatch;
        clock.Restart(batches - firstBatch);
        lastRefresh = 0;
    }

    /// <inheritdoc />
    public void BatchCompleted(int batch, int rows, double runningLoss)
    {
        clock.Add(rows);
        task!.Value = batch;
        if (clock.Elapsed - lastRefresh < DescriptionRefreshSeconds) return;
        lastRefresh = clock.Elapsed;
        task.Description = $"epoch {epoch}/{epochs}  loss {runningLoss:F4}  {clock.SamplesPerSecond:N0} samples/s";
    }

    /// <inheritdoc />
    public void EpochCompleted(EpochRecord record)
    {
        task!.Description = $"epoch {record.Epoch}/{epochs}  train {record.TrainLoss:F4}  held-out {record.TestLoss:F4}{LogProgress.Terms(record)}  " +
                            $"{record.Seconds:F1} s";
        task.StopTask();
    }
}
