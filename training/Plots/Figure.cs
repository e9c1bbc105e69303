using AutoEncoder.Training.Artifacts;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>Shared look of every figure, and atomic PNG output.</summary>
internal static class Figure
{
    /// <summary>Renders <paramref name="plot"/> to <paramref name="path"/> as a PNG, atomically.</summary>
    public static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>
    /// Tiles 28×28 images (row-major floats in [0, 1]) into one grid with a one-pixel gap, as a heatmap
    /// without axes. <paramref name="tiles"/>[row][column] is one image.
    /// </summary>
    public static Plot Mosaic(float[][][] tiles, string title)
    {
        const int side = 28, gap = 1;
        int rows = tiles.Length, columns = tiles[0].Length;
        var intensities = new double[rows * (side + gap) - gap, columns * (side + gap) - gap];
        // Grey gaps separate the black-background tiles.
        for (int y = 0; y < intensities.GetLength(0); y++)
            for (int x = 0; x < intensities.GetLength(1); x++) intensities[y, x] = 0.35;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++)
                        intensities[r * (side + gap) + y, c * (side + gap) + x] = tiles[r][c][y * side + x];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Axes.Margins(0, 0);
        plot.Title(title, 14);
        return plot;
    }
}
