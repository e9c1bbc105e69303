using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>The pieces of the UMAP objective, each against an independent computation.</summary>
public sealed class UmapTests
{
    private static float[] RandomRows(int count, int width, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count * width).Select(_ => random.NextSingle())];
    }

    [Fact]
    public void The_neighbour_graph_equals_a_brute_force_search_in_double_precision()
    {
        const int count = 300, width = 10, k = 6;
        float[] rows = RandomRows(count, width, seed: 1);

        (int[] indices, float[] distances) = NearestNeighborGraph.Exact(rows, count, width, k);

        for (int i = 0; i < count; i++)
        {
            var reference = Enumerable.Range(0, count).Where(j => j != i)
                .Select(j => (Index: j, Distance: Math.Sqrt(Enumerable.Range(0, width).Sum(d => Math.Pow(rows[i * width + d] - rows[j * width + d], 2)))))
                .OrderBy(p => p.Distance).Take(k).ToArray();
            Assert.Equal(reference.Select(p => p.Index), indices.Skip(i * k).Take(k));
            // The chunked product computes |x|² + |y|² − 2x·y in float32: distances of ~1 within 1e-5.
            for (int n = 0; n < k; n++) Assert.Equal(reference[n].Distance, distances[i * k + n], 1e-5);
        }
    }

    [Fact]
    public void The_neighbour_graph_across_blocks_equals_a_brute_force_search_in_double_precision()
    {
        // 2,500 rows: three blocks of 1,024, so tiles off the diagonal, a short last block, and lanes left over.
        const int count = 2500, width = 12, k = 9;
        float[] rows = RandomRows(count, width, seed: 3);

        (int[] indices, float[] distances) = NearestNeighborGraph.Exact(rows, count, width, k);

        var squared = new double[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < count; j++)
            {
                double sum = 0;
                for (int d = 0; d < width; d++) sum += Math.Pow(rows[i * width + d] - rows[j * width + d], 2);
                squared[j] = j == i ? double.PositiveInfinity : sum;
            }
            int[] reference = [.. Enumerable.Range(0, count).OrderBy(j => squared[j]).ThenBy(j => j).Take(k)];
            Assert.Equal(reference, indices.Skip(i * k).Take(k));
            // |x|² + |y|² − 2x·y in float32 over 12 values of up to 1: distances of ~1 within 1e-5.
            for (int n = 0; n < k; n++) Assert.Equal(Math.Sqrt(squared[reference[n]]), distances[i * k + n], 1e-5);
        }
    }

    [Fact]
    public void Each_bandwidth_makes_the_memberships_sum_to_log2_of_the_neighbour_count()
    {
        const int count = 200, neighbors = 8;
        float[] rows = RandomRows(count, 5, seed: 2);
        (_, float[] distances) = NearestNeighborGraph.Exact(rows, count, 5, neighbors - 1);

        (double[] rho, double[] sigma) = FuzzyGraph.Bandwidths(distances, count, neighbors - 1, neighbors);

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(distances[i * (neighbors - 1)], rho[i], 6);
            double sum = distances.Skip(i * (neighbors - 1)).Take(neighbors - 1).Sum(d => Math.Exp(-Math.Max(0, d - rho[i]) / sigma[i]));
            // The binary search stops within 1e-5 of the target (umap-learn's tolerance).
            Assert.Equal(Math.Log2(neighbors), sum, 4);
        }
    }

    [Fact]
    public void The_graph_is_the_fuzzy_union_of_both_directions_and_lists_every_edge_both_ways()
    {
        // Three points on a line, one neighbour each: 0 → 1, 1 → 0, 2 → 1.
        int[] indices = [1, 0, 1];
        float[] distances = [1, 1, 2];

        FuzzyGraph.Edges edges = FuzzyGraph.Build(indices, distances, count: 3, k: 1, neighbors: 2);

        // With one neighbour, ρ is its distance, so each directed membership is 1 and the union too.
        Assert.Equal([0, 1, 1, 2], edges.Heads);
        Assert.Equal([1, 0, 2, 1], edges.Tails);
        Assert.All(edges.Weights, w => Assert.Equal(1f, w));
    }

    [Fact]
    public void The_similarity_curve_for_min_dist_0_1_has_umaps_published_a_and_b()
    {
        (double a, double b) = SimilarityCurve.Fit(0.1);

        // umap-learn's find_ab_params(1.0, 0.1) gives a ≈ 1.577, b ≈ 0.895.
        Assert.Equal(1.577, a, 0.002);
        Assert.Equal(0.895, b, 0.002);
    }

    [Fact]
    public void The_loss_gradient_matches_central_finite_differences()
    {
        const double a = 1.577, b = 0.895, h = 1e-6;
        var random = new Random(4);
        double[] values = [.. Enumerable.Range(0, 4 * 3 * 2).Select(_ => random.NextDouble() * 2 - 1)];
        // Float64 throughout, so that differences of h = 1e-6 are far above rounding.
        using var loss = new UmapLoss(a, b, ScalarType.Float64);
        double Loss(double[] v)
        {
            using var scope = NewDisposeScope();
            Tensor all = tensor(v, [4, 3, 2]);
            return loss.CrossEntropy(all[0], all[1], all[2], all[3]).item<double>();
        }

        Tensor parameters = tensor(values, [4, 3, 2]).requires_grad_(true);
        loss.CrossEntropy(parameters[0], parameters[1], parameters[2], parameters[3]).backward();
        double[] gradient = parameters.grad!.data<double>().ToArray();

        for (int i = 0; i < values.Length; i++)
        {
            double[] up = [.. values], down = [.. values];
            up[i] += h;
            down[i] -= h;
            // Central differences err by O(h²) ≈ 1e-12 times the third derivative, plus rounding
            // ≈ 1e-16 / h = 1e-10: 1e-7 leaves room for both.
            Assert.Equal((Loss(up) - Loss(down)) / (2 * h), gradient[i], 1e-7);
        }
    }

    [Fact]
    public void The_same_seed_and_threads_train_the_same_weights()
    {
        TrainingConfig config = TrainingConfig.UmapPreset with { Epochs = 2, Scaling = "none", Loss = ReconstructionLoss.Bce };

        float[] Train()
        {
            using var trainer = new Trainer(config, Mnist.DataSet.Checksums);
            trainer.Run(Mnist.DataSet.Train.Take(1500), Mnist.DataSet.Test.Take(100), new QuietProgress(), CancellationToken.None);
            return TrainingRuns.Weights(trainer.Model.Encoder);
        }

        float[] first = Train(), second = Train();

        Assert.Equal(first, second);
        TorchSharp.torch.manual_seed(config.Seed);
        using var initial = new AutoEncoderModel(config.Model);
        Assert.NotEqual(TrainingRuns.Weights(initial.Encoder), first);
    }
}
