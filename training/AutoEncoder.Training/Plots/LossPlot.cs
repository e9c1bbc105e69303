using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>loss.png: train and test loss per epoch, from the manifest.</summary>
internal static class LossPlot
{
    /// <summary>What the loss of a run of <paramref name="config"/> measures, for the y axis.</summary>
    public static string Describe(TrainingConfig config, bool images)
    {
        string unit = images ? "pixel" : "feature";
        return config.Objective == TrainingObjective.Umap ? "UMAP loss (cross-entropy of sampled edges)"
            : config.Objective == TrainingObjective.UmapReconstruction ? "weighted UMAP loss + reconstruction loss"
            : config.Objective == TrainingObjective.Vae ? $"negative ELBO (nats per {(images ? "image" : "row")})"
            : config.LossKind == ReconstructionLoss.Mse ? $"mean per-{unit} squared error"
            : $"mean per-{unit} binary cross-entropy";
    }

    /// <summary>Plots the history of a run, its y axis labelled <paramref name="loss"/>.</summary>
    public static Plot Create(IReadOnlyList<EpochRecord> history, string loss, string heldOut = "test", int? bestEpoch = null)
    {
        var plot = new Plot();
        double[] epochs = history.Select(e => (double)e.Epoch).ToArray();
        var train = plot.Add.ScatterLine(epochs, history.Select(e => e.TrainLoss).ToArray());
        train.LegendText = "train (mean over the epoch's batches)";
        train.MarkerSize = 6;
        var test = plot.Add.ScatterLine(epochs, history.Select(e => e.TestLoss).ToArray());
        test.LegendText = $"{heldOut} (after the epoch)";
        test.MarkerSize = 6;
        if (bestEpoch is int best)
        {
            var kept = plot.Add.VerticalLine(best);
            kept.LegendText = $"epoch {best}: kept (early stopping)";
            kept.LinePattern = LinePattern.Dashed;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.XLabel("epoch");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.YLabel(loss);
        plot.Title("Loss per epoch");
        return plot;
    }
}
