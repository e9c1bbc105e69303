using AutoEncoder.Training.Evaluation;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>scores.png and roc.png: how a one-class model's scores separate its class from the others.</summary>
internal static class AnomalyPlots
{
    private const int Bins = 60;

    /// <summary>Share of the normal and of the other test rows in each score bin, the threshold marked.</summary>
    public static Plot Scores(float[] scores, bool[] anomalous, int normalClass, float? threshold)
    {
        // Up to the 99.5th percentile: a few badly reconstructed rows would squeeze every bin to the left.
        double[] sorted = [.. scores.Select(s => (double)s).Order()];
        double high = sorted[(int)(0.995 * (sorted.Length - 1))], width = high / Bins;
        double[] centres = [.. Enumerable.Range(0, Bins).Select(b => (b + 0.5) * width)];

        var plot = new Plot();
        foreach ((bool other, string label) in new[] { (false, $"class {normalClass} (normal)"), (true, "other classes") })
        {
            float[] group = [.. scores.Where((_, i) => anomalous[i] == other)];
            double[] shares = new double[Bins];
            foreach (float s in group) shares[Math.Min(Bins - 1, (int)(s / width))] += 1.0 / group.Length;
            var line = plot.Add.ScatterLine(centres, shares);
            line.LegendText = label;
            line.LineWidth = 2;
        }
        if (threshold is { } t)
        {
            var marker = plot.Add.VerticalLine(t);
            marker.LegendText = $"threshold {t:G4}";
            marker.LinePattern = LinePattern.Dashed;
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.XLabel("anomaly score (mean per-pixel reconstruction error)");
        plot.YLabel("share of the group's test rows");
        plot.Title($"Test scores of a model trained on class {normalClass}");
        return plot;
    }

    /// <summary>The ROC curve of the scores for "not the normal class", with its area.</summary>
    public static Plot Roc(float[] scores, bool[] anomalous, int normalClass)
    {
        (double[] fpr, double[] tpr) = RankingMetrics.RocCurve(scores, anomalous);
        var plot = new Plot();
        var curve = plot.Add.ScatterLine(fpr, tpr);
        curve.LegendText = $"AUROC {RankingMetrics.Auroc(scores, anomalous):F4}";
        curve.LineWidth = 2;
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dotted;
        chance.LegendText = "chance";
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.XLabel("false-positive rate (normal rows flagged)");
        plot.YLabel("true-positive rate (other rows flagged)");
        plot.Title($"ROC of scores for \"not class {normalClass}\"");
        return plot;
    }
}
