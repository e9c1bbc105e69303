using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Export;

namespace AutoEncoder.Training.Plots;

/// <summary>Writes the four figures for the exported models in a folder.</summary>
internal static class Plotter
{
    /// <summary>Grid points per axis of manifold.png.</summary>
    public const int ManifoldSteps = 15;

    /// <summary>
    /// Writes latent.png and loss.png into <paramref name="outDir"/>; for images with a decoder also
    /// reconstructions.png and manifold.png, for a one-class model scores.png and roc.png, and for labelled data
    /// clustered by <c>autoencoder cluster</c> clusters.png and confusion.png; returns their paths.
    /// </summary>
    public static IReadOnlyList<string> Write(string modelsDir, DataSet data, string outDir)
    {
        DataSplit test = data.Test;
        using Encoder encoder = Encoder.Load(Path.Combine(modelsDir, ModelRole.Encoder.FileName()));
        // A model trained with the UMAP objective alone has an encoder only.
        string decoderPath = Path.Combine(modelsDir, ModelRole.Decoder.FileName()), autoencoderPath = Path.Combine(modelsDir, ModelRole.Autoencoder.FileName());
        using Decoder? decoder = File.Exists(decoderPath) ? Decoder.Load(decoderPath) : null;
        float[] pixels = test.Rows;
        float[] codes = encoder.EncodeBatch(pixels);
        int latent = encoder.EmbeddingSize;
        var written = new List<string>();

        void Save(ScottPlot.Plot plot, string name, int width, int height)
        {
            string path = Path.Combine(outDir, name);
            Figure.Save(plot, path, width, height);
            written.Add(path);
        }

        Directory.CreateDirectory(outDir);
        Save(LatentPlot.Create(codes, test.Labels, data.ClassNames, latent), "latent.png", 900, 800);
        if (data.Image is { } image && decoder is not null)
        {
            (ScottPlot.Plot reconstructions, int columns) = Reconstructions(test, image, codes, decoder);
            // Tiles of about 100 px whatever their number (two classes would stretch on a fixed canvas), and at
            // least the width the title needs.
            int canvas = Math.Max(100 * columns, 420), tile = canvas / columns;
            Save(reconstructions, "reconstructions.png", canvas, 2 * tile * image.Height / image.Width + 60);
            Save(Manifold(codes, test.Count, latent, image, decoder), "manifold.png", 800, 830);
            if (decoder.IsGenerative) Save(Figure.Grid(decoder.Sample(100, 0), image, "100 digits decoded from codes drawn from the prior N(0, I), seed 0"), "samples.png", 900, 930);
        }

        string manifest = Path.Combine(modelsDir, Manifest.FileName);
        if (File.Exists(manifest))
        {
            Manifest run = Manifest.Load(manifest);
            string heldOut = run.Config.NormalClass is not null ? "held-out normal rows" : run.Config.Patience is not null ? "validation" : "test";
            Save(LossPlot.Create(run.History, LossPlot.Describe(run.Config, data.Image is not null), heldOut, run.BestEpoch), "loss.png", 800, 500);
        }

        string clusterPath = Path.Combine(modelsDir, Clustering.ClusterRun.ModelFile);
        if (File.Exists(clusterPath) && test.Labels is { } labels)
        {
            using var clusterModel = ClusterModel.Load(clusterPath);
            int[] clusters = clusterModel.AssignBatch(pixels);
            string map = Path.Combine(outDir, "clusters.png");
            AtomicFile.WriteAllBytes(map, ClusterPlots.Map(codes, latent, clusters, clusterModel.ClusterCount, labels, data.ClassNames, 1600, 760));
            written.Add(map);
            Save(ClusterPlots.Confusion(clusters, clusterModel.ClusterCount, labels, data.ClassNames), "confusion.png", 800, 700);
        }

        if (!File.Exists(autoencoderPath)) return written;
        using var detector = AnomalyDetector.Load(autoencoderPath);
        if (AnomalyCalibration.NormalClassOf(detector.Metadata) is { } normal)
        {
            float[] scores = detector.ScoreBatch(pixels);
            bool[] anomalous = [.. test.RequireLabels("scores.png").Select(l => l != normal)];
            Save(AnomalyPlots.Scores(scores, anomalous, normal, detector.Threshold), "scores.png", 900, 550);
            Save(AnomalyPlots.Roc(scores, anomalous, normal), "roc.png", 650, 600);
        }
        return written;
    }

    /// <summary>The first test image of each of the first ten classes (the first ten images without labels) over its reconstruction.</summary>
    private static (ScottPlot.Plot Plot, int Columns) Reconstructions(DataSplit test, ImageShape image, float[] codes, Decoder decoder)
    {
        int latent = decoder.EmbeddingSize, width = test.Width;
        int[] shown = test.Labels is { } labels
            ? [.. Enumerable.Range(0, 10).Select(c => Array.IndexOf(labels, c)).Where(i => i >= 0)]
            : [.. Enumerable.Range(0, Math.Min(10, test.Count))];
        float[][] originals = [.. shown.Select(i => test.Rows[(i * width)..((i + 1) * width)])];
        float[][] rebuilt = [.. shown.Select(i => decoder.Decode(codes.AsSpan(i * latent, latent)))];
        return (Figure.Mosaic([originals, rebuilt], image, "Test images (top) and their reconstructions (bottom)"), shown.Length);
    }

    /// <summary>
    /// Digits decoded from a regular grid over the 1st–99th percentile box of the codes; for a 2-D generative
    /// model, from the prior's quantiles 5 %–95 % on each axis (the inverse normal CDF of an even grid, as the Keras
    /// variational example draws it), so that equal areas of the grid hold equal prior mass.
    /// </summary>
    private static ScottPlot.Plot Manifold(float[] codes, int rows, int latent, ImageShape image, Decoder decoder)
    {
        if (latent == 2 && decoder.IsGenerative)
        {
            double[] quantiles = [.. Enumerable.Range(0, ManifoldSteps).Select(i => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.05 + 0.9 * i / (ManifoldSteps - 1)))];
            float[][][] grid = [.. Enumerable.Range(0, ManifoldSteps).Select(r => Enumerable.Range(0, ManifoldSteps)
                .Select(c => decoder.Decode([(float)quantiles[c], (float)quantiles[ManifoldSteps - 1 - r]])).ToArray())];
            return Figure.Mosaic(grid, image, "Decoded from the prior's 5th–95th percentiles (code 1 →, code 2 ↑; inverse normal CDF)");
        }
        // Codes of other widths are laid out in the plane of their first two principal components.
        PrincipalComponents? pca = latent == 2 ? null : PrincipalComponents.Fit(codes, rows, latent, 2);
        float[] plane = pca?.Project(codes, rows) ?? codes;
        (double xLow, double xHigh) = Percentiles(plane, 0, rows);
        (double yLow, double yHigh) = Percentiles(plane, 1, rows);

        var tiles = new float[ManifoldSteps][][];
        for (int r = 0; r < ManifoldSteps; r++)
        {
            tiles[r] = new float[ManifoldSteps][];
            double y = yHigh - (yHigh - yLow) * r / (ManifoldSteps - 1); // top row = largest code 2
            for (int c = 0; c < ManifoldSteps; c++)
            {
                double x = xLow + (xHigh - xLow) * c / (ManifoldSteps - 1);
                float[] code = pca?.Inverse([(float)x, (float)y]) ?? [(float)x, (float)y];
                tiles[r][c] = decoder.Decode(code);
            }
        }
        string axes = latent == 2 ? "code 1 →, code 2 ↑" : "principal components 1 → and 2 ↑ of the codes";
        return Figure.Mosaic(tiles, image, $"Decoded from a grid over the codes' 1st–99th percentiles ({axes})");
    }

    private static (double Low, double High) Percentiles(float[] plane, int axis, int rows)
    {
        double[] values = Enumerable.Range(0, rows).Select(i => (double)plane[2 * i + axis]).Order().ToArray();
        return (values[(int)(0.01 * (rows - 1))], values[(int)(0.99 * (rows - 1))]);
    }
}
