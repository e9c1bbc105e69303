using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Cli;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>Progress in a log: one line per epoch with the time left for the run, no batch lines for short epochs.</summary>
public sealed class LogProgressTests
{
    [Fact]
    public void Short_epochs_print_one_line_each_and_the_last_no_time_left()
    {
        var log = new StringWriter();
        var progress = new LogProgress(log);

        for (int epoch = 1; epoch <= 3; epoch++)
        {
            progress.EpochStarted(epoch, 3, batches: 500, firstBatch: 0);
            for (int batch = 1; batch <= 500; batch++) progress.BatchCompleted(batch, 32, 0.5);
            progress.EpochCompleted(new EpochRecord(epoch, 0.5, 0.4, 0.1));
        }

        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^epoch 1/3  train loss 0\.5000  held-out loss 0\.4000  \(0\.1 s, run ends in 0:00:0[0-9]\)$", lines[0]);
        Assert.Equal("epoch 3/3  train loss 0.5000  held-out loss 0.4000  (0.1 s)", lines[2]);
    }
}
