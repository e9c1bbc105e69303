using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Tests.Cli;
using AutoEncoder.Training.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>UMAP's spectral start: the iteration against a dense eigendecomposition, and what it does to a run.</summary>
public sealed class SpectralLayoutTests
{
    private const int Rows = 600, Neighbors = 15, Dimensions = 10;

    // The fuzzy graph of the first training images, as a UMAP run builds it.
    private static FuzzyGraph.Edges Graph()
    {
        DataSplit train = Mnist.DataSet.Train.Take(Rows);
        (int[] indices, float[] distances) = NearestNeighborGraph.Exact(train.Rows, Rows, train.Width, Neighbors - 1);
        return FuzzyGraph.Build(indices, distances, Rows, Neighbors - 1, Neighbors);
    }

    // Every eigenvalue of D^-½ W D^-½ (largest first) and its eigenvectors as columns, from LAPACK in double precision.
    private static (double[] Values, double[,] Vectors) Dense(FuzzyGraph.Edges graph)
    {
        var degree = new double[Rows];
        for (int e = 0; e < graph.Count; e++) degree[graph.Heads[e]] += graph.Weights[e];
        var matrix = new double[Rows * Rows];
        for (int e = 0; e < graph.Count; e++)
            matrix[graph.Heads[e] * Rows + graph.Tails[e]] += graph.Weights[e] / Math.Sqrt(degree[graph.Heads[e]] * degree[graph.Tails[e]]);
        using var scope = NewDisposeScope();
        var (values, vectors) = linalg.eigh(tensor(matrix, [Rows, Rows]));
        double[] ascending = values.data<double>().ToArray();
        double[] columns = vectors.data<double>().ToArray();
        var descending = new double[Rows, Rows];
        for (int i = 0; i < Rows; i++)
            for (int c = 0; c < Rows; c++) descending[i, c] = columns[i * Rows + Rows - 1 - c];
        return ([.. ascending.Reverse()], descending);
    }

    [Fact]
    public void The_eigenvalues_are_the_largest_after_the_trivial_one()
    {
        FuzzyGraph.Edges graph = Graph();
        (double[] exact, _) = Dense(graph);

        (double[] values, _) = SpectralLayout.Eigenvectors(graph, Rows, Dimensions, seed: 0);

        // The trivial eigenvalue 1 is left out. A Ritz value errs by about its residual squared (≤ 1e-8 at the
        // iteration's 1e-4), so 1e-6 is loose for the iteration and far below the values' spacing (~1e-3).
        Assert.Equal(1, exact[0], 1e-9);
        for (int i = 0; i < Dimensions; i++) Assert.Equal(exact[i + 1], values[i], 1e-6);
    }

    [Fact]
    public void The_vectors_span_the_eigenvectors_of_those_eigenvalues()
    {
        FuzzyGraph.Edges graph = Graph();
        (double[] exact, double[,] exactVectors) = Dense(graph);

        (_, double[] vectors) = SpectralLayout.Eigenvectors(graph, Rows, Dimensions, seed: 0);

        // Davis–Kahan: an exact eigenvector's angle to the span has sine ≤ ‖residuals‖ / gap, the gap being from the
        // last kept eigenvalue to the first left out, and ‖residuals‖ ≤ √Dimensions × the iteration's tolerance.
        double gap = exact[Dimensions] - exact[Dimensions + 1];
        double bound = Math.Sqrt(Dimensions) * SpectralLayout.Tolerance / gap;
        // On these rows the gap is about 0.014 and the bound about 0.02: far below the sine of ~1 a vector outside the span has.
        Assert.InRange(bound, 0, 0.05);
        for (int k = 1; k <= Dimensions; k++)
        {
            double inSpan = 0;
            for (int c = 0; c < Dimensions; c++)
            {
                double dot = 0;
                for (int i = 0; i < Rows; i++) dot += exactVectors[i, k] * vectors[i * Dimensions + c];
                inSpan += dot * dot;
            }
            Assert.InRange(Math.Sqrt(Math.Max(0, 1 - inSpan)), 0, bound);
        }
    }

    [Fact]
    public void The_layout_scales_every_dimension_onto_0_to_10()
    {
        float[] layout = SpectralLayout.Compute(Graph(), Rows, Dimensions, seed: 0);

        for (int c = 0; c < Dimensions; c++)
        {
            float[] column = [.. Enumerable.Range(0, Rows).Select(i => layout[i * Dimensions + c])];
            Assert.Equal(0f, column.Min());
            Assert.Equal(10f, column.Max(), 1e-5f);
        }
    }

    [Fact]
    public void A_spectral_start_begins_the_first_epoch_at_a_lower_umap_loss_than_random_weights()
    {
        double FirstEpochLoss(UmapStart start)
        {
            TrainingConfig config = TrainingConfig.UmapPreset with
            {
                Epochs = 1, Scaling = "none", Loss = ReconstructionLoss.Bce,
                Umap = TrainingConfig.UmapPreset.UmapSettings with { Start = start },
            };
            using var trainer = new Trainer(config, Mnist.DataSet.Checksums);
            trainer.Run(Mnist.DataSet.Train.Take(1500), Mnist.DataSet.Test.Take(100), new QuietProgress(), CancellationToken.None);
            return trainer.State.History[0].TrainLoss;
        }

        Assert.True(FirstEpochLoss(UmapStart.Spectral) < FirstEpochLoss(UmapStart.Random));
    }

    [Fact]
    public void A_spectral_start_on_a_reconstruction_run_fails_in_one_line_before_training()
    {
        using var output = new TempFolder();

        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "deep", "--umap-start", "spectral", "--subset", "500", "--epochs", "1",
            "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Equal("error: expected a UMAP objective (--objective umap or umapreconstruction), whose graph the layout is of; " +
                     "found reconstruction (Parameter 'umap-start'); Actual value was spectral.", error.Trim());
        Assert.Empty(output.Files());
    }
}
