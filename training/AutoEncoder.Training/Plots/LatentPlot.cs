using AutoEncoder.Training.Evaluation;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>latent.png: test codes in the plane, one categorical colour per class, with a legend (one colour without labels).</summary>
internal static class LatentPlot
{
    /// <summary>Plots <paramref name="codes"/> (rows × <paramref name="latent"/>) coloured by <paramref name="labels"/> (null: unlabelled).</summary>
    public static Plot Create(float[] codes, int[]? labels, IReadOnlyList<string> classNames, int latent)
    {
        int count = codes.Length / latent;
        labels ??= new int[count];
        if (classNames.Count == 0) classNames = ["test rows"];
        string xLabel = "code 1", yLabel = "code 2", title = "Test rows in the 2-D code space";
        float[] plane = codes;
        if (latent != 2)
        {
            // Only two axes fit on paper: show the plane of the codes' first two principal components.
            plane = PrincipalComponents.Fit(codes, count, latent, 2).Project(codes, count);
            (xLabel, yLabel) = ("principal component 1 of the codes", "principal component 2 of the codes");
            title = $"Test rows: first two principal components of the {latent}-D codes";
        }

        var plot = new Plot();
        IPalette palette = classNames.Count <= 10 ? new ScottPlot.Palettes.Category10() : new ScottPlot.Palettes.Category20();
        var legend = new List<LegendItem>();
        for (int digit = 0; digit < classNames.Count; digit++)
        {
            int[] rows = Enumerable.Range(0, count).Where(i => labels[i] == digit).ToArray();
            var points = plot.Add.ScatterPoints(rows.Select(i => (double)plane[2 * i]).ToArray(), rows.Select(i => (double)plane[2 * i + 1]).ToArray());
            points.Color = palette.GetColor(digit).WithAlpha(0.55);
            // 3 px dots for the thousands of a test set; a few hundred rows need larger ones to be seen.
            points.MarkerSize = count <= 500 ? 8 : count <= 2000 ? 5 : 3;
            legend.Add(new LegendItem { LabelText = classNames[digit], MarkerShape = MarkerShape.FilledCircle, MarkerSize = 12, MarkerFillColor = palette.GetColor(digit), LineWidth = 0 });
        }
        // Axes over the 0.5th–99.5th percentiles (plus a margin), not the extreme codes: a few outliers would
        // otherwise squeeze the dense clusters into the middle of the figure.
        (double xLow, double xHigh) = RobustRange(plane, 0, count);
        (double yLow, double yHigh) = RobustRange(plane, 1, count);
        plot.Axes.SetLimits(xLow, xHigh, yLow, yHigh);
        plot.ShowLegend(legend, Alignment.UpperRight);
        plot.Legend.FontSize = 14;
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Title(title);
        return plot;
    }

    private static (double Low, double High) RobustRange(float[] plane, int axis, int count)
    {
        double[] values = [.. Enumerable.Range(0, count).Select(i => (double)plane[2 * i + axis]).Order()];
        double low = values[(int)(0.005 * (count - 1))], high = values[(int)(0.995 * (count - 1))];
        double margin = Math.Max(high - low, 1e-6) * 0.08;
        return (low - margin, high + margin);
    }
}
