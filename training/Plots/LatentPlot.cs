using AutoEncoder.Training.Evaluation;
using ScottPlot;

namespace AutoEncoder.Training.Plots;

/// <summary>latent.png: test codes in the plane, one categorical colour per digit, with a legend.</summary>
internal static class LatentPlot
{
    /// <summary>Plots <paramref name="codes"/> (rows × <paramref name="latent"/>) coloured by <paramref name="labels"/>.</summary>
    public static Plot Create(float[] codes, byte[] labels, int latent)
    {
        string xLabel = "code 1", yLabel = "code 2", title = "Test images in the 2-D code space";
        float[] plane = codes;
        if (latent != 2)
        {
            // Only two axes fit on paper: show the plane of the codes' first two principal components.
            plane = PrincipalComponents.Fit(codes, labels.Length, latent, 2).Project(codes, labels.Length);
            (xLabel, yLabel) = ("principal component 1 of the codes", "principal component 2 of the codes");
            title = $"Test images: first two principal components of the {latent}-D codes";
        }

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var legend = new List<LegendItem>();
        for (int digit = 0; digit <= 9; digit++)
        {
            int[] rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == digit).ToArray();
            var points = plot.Add.ScatterPoints(rows.Select(i => (double)plane[2 * i]).ToArray(), rows.Select(i => (double)plane[2 * i + 1]).ToArray());
            points.Color = palette.GetColor(digit).WithAlpha(0.55);
            points.MarkerSize = 3;
            legend.Add(new LegendItem { LabelText = digit.ToString(), MarkerShape = MarkerShape.FilledCircle, MarkerSize = 12, MarkerFillColor = palette.GetColor(digit), LineWidth = 0 });
        }
        plot.ShowLegend(legend, Alignment.UpperRight);
        plot.Legend.FontSize = 14;
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Title(title);
        return plot;
    }
}
