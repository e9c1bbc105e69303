using AutoEncoder.Training.Artifacts;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>loss.png: train and test loss per epoch, from the manifest.</summary>
internal static class LossPlot
{
    /// <summary>Plots the history of a run.</summary>
    public static Plot Create(IReadOnlyList<EpochRecord> history)
    {
        var plot = new Plot();
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.ScatterLine(epochs, history.Select(e => e.TrainLoss).ToArray());
        train.LegendText = "train (mean over the epoch's batches)";
        train.MarkerSize = 6;
        var test = plot.Add.ScatterLine(epochs, history.Select(e => e.TestLoss).ToArray());
        test.LegendText = "test (after the epoch)";
        test.MarkerSize = 6;
        plot.ShowLegend(Alignment.UpperRight);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel("mean per-pixel binary cross-entropy");
        plot.Title("Loss per epoch");
        return plot;
    }
}
