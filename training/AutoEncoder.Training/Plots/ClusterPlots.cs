using AutoEncoder.Training.Clustering;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>clusters.png (the test codes coloured by cluster beside the same codes coloured by label) and confusion.png.</summary>
internal static class ClusterPlots
{
    /// <summary>Two latent maps side by side: by cluster (left) and by label (right), as PNG bytes.</summary>
    public static byte[] Map(float[] codes, int latent, int[] clusters, int clusterCount, int[] labels, IReadOnlyList<string> classNames, int width, int height)
    {
        Plot byCluster = LatentPlot.Create(codes, clusters, [.. Enumerable.Range(0, clusterCount).Select(c => $"cluster {c}")], latent);
        byCluster.Title("Test rows coloured by cluster");
        Plot byLabel = LatentPlot.Create(codes, labels, classNames, latent);
        byLabel.Title("… and by label");
        // A new Multiplot holds one empty plot: replace it by the first of ours.
        var multiplot = new Multiplot();
        multiplot.Reset(byCluster);
        multiplot.AddPlot(byLabel);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return multiplot.Render(width, height).GetImageBytes(ImageFormat.Png);
    }

    /// <summary>
    /// The test rows per (label, cluster), clusters in the order of the labels they map to (Hungarian), so that a
    /// perfect clustering is a diagonal; each cell shows its count.
    /// </summary>
    public static Plot Confusion(int[] clusters, int clusterCount, int[] labels, IReadOnlyList<string> classNames)
    {
        int labelCount = Math.Max(labels.Max() + 1, classNames.Count);
        long[,] table = ClusterMetrics.Contingency(clusters, labels, clusterCount, labelCount);
        int size = Math.Max(clusterCount, labelCount);
        var cost = new double[size, size];
        for (int c = 0; c < clusterCount; c++)
            for (int l = 0; l < labelCount; l++) cost[c, l] = -table[c, l];
        int[] labelOf = Hungarian.Minimize(cost);
        int[] order = [.. Enumerable.Range(0, clusterCount).OrderBy(c => labelOf[c])];

        var counts = new double[labelCount, clusterCount];
        var plot = new Plot();
        for (int l = 0; l < labelCount; l++)
            for (int column = 0; column < clusterCount; column++) counts[l, column] = table[order[column], l];
        double largest = Math.Max(1, counts.Cast<double>().Max());
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        for (int l = 0; l < labelCount; l++)
            for (int column = 0; column < clusterCount; column++)
            {
                var text = plot.Add.Text($"{counts[l, column]:0}", column, labelCount - 1 - l);
                text.LabelFontSize = clusterCount <= 12 ? 12 : 8;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = counts[l, column] > largest / 2 ? Colors.Black : Colors.White;
            }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, clusterCount).Select(c => (double)c)], [.. order.Select(c => c.ToString())]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, labelCount).Select(l => (double)(labelCount - 1 - l))],
            [.. Enumerable.Range(0, labelCount).Select(l => l < classNames.Count ? classNames[l] : l.ToString())]);
        plot.XLabel("cluster (in the order of the labels they map to)");
        plot.YLabel("label");
        plot.Title("Test rows per label and cluster");
        plot.HideGrid();
        return plot;
    }
}
