using AutoEncoder.Training.Data;
using AutoEncoder.Training.Artifacts;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>Shared look of every figure, and atomic PNG output.</summary>
internal static class Figure
{
    /// <summary>Renders <paramref name="plot"/> to <paramref name="path"/> as a PNG, atomically.</summary>
    public static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>Images of <paramref name="shape"/> laid end to end in <paramref name="rows"/>, tiled row-major in a square-ish <see cref="Mosaic"/>.</summary>
    public static Plot Grid(float[] rows, ImageShape shape, string title)
    {
        int count = rows.Length / shape.Size, columns = (int)Math.Ceiling(Math.Sqrt(count)), lines = (count + columns - 1) / columns;
        var blank = new float[shape.Size];
        float[] Tile(int i) => i < count ? rows[(i * shape.Size)..((i + 1) * shape.Size)] : blank;
        return Mosaic([.. Enumerable.Range(0, lines).Select(r => Enumerable.Range(0, columns).Select(c => Tile(r * columns + c)).ToArray())], shape, title);
    }

    /// <summary>
    /// Tiles images of <paramref name="shape"/> (planar floats in [0, 1]; colour shown as the mean of its
    /// channels) into one grid with a one-pixel gap, as a heatmap without axes. <paramref name="tiles"/>[row][column] is one image.
    /// </summary>
    public static Plot Mosaic(float[][][] tiles, ImageShape shape, string title)
    {
        const int gap = 1;
        int height = shape.Height, width = shape.Width, plane = height * width;
        int rows = tiles.Length, columns = tiles[0].Length;
        var intensities = new double[rows * (height + gap) - gap, columns * (width + gap) - gap];
        // Grey gaps separate the black-background tiles.
        for (int y = 0; y < intensities.GetLength(0); y++)
            for (int x = 0; x < intensities.GetLength(1); x++) intensities[y, x] = 0.35;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        double sum = 0;
                        for (int channel = 0; channel < shape.Channels; channel++) sum += tiles[r][c][channel * plane + y * width + x];
                        intensities[r * (height + gap) + y, c * (width + gap) + x] = sum / shape.Channels;
                    }

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
