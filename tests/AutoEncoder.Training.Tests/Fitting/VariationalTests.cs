using AutoEncoder.Inference;
using AutoEncoder.ModelFormat;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

public sealed class VariationalTests
{
    // A small variational model: 784-64-2 with a log-variance head, the vae objective.
    private static TrainingConfig Config(int epochs = 2, long seed = 0, int threads = 1) =>
        TrainingRuns.Config(new ModelConfig(784, [64], 2, Activation.Relu, Variational: true), epochs, seed) with
        {
            Objective = TrainingObjective.Vae, Path = TrainingPath.Autograd, Threads = threads,
        };

    [Fact]
    public void The_kl_divergence_from_the_prior_is_zero_at_the_prior_and_half_the_squared_mean_for_unit_variance()
    {
        using Tensor mean = tensor(new float[] { 0, 0, 1, 2 }, [2, 2]);
        using Tensor logVariance = zeros(2, 2);

        float[] divergence = ReconstructionObjective.KlDivergence(mean, logVariance).data<float>().ToArray();

        // KL(N(μ, 1) ‖ N(0, 1)) = ½ Σ μ²: 0 for the first row, ½ (1 + 4) for the second; exact in float32.
        Assert.Equal([0f, 2.5f], divergence);
    }

    [Fact]
    public void The_loss_is_the_reconstruction_summed_over_pixels_plus_beta_times_the_kl_term()
    {
        torch.manual_seed(0);
        using var model = new AutoEncoder.Training.Network.AutoEncoderModel(Config().Model);
        using Tensor rows = tensor(Mnist.TestPixels(8), [8, 784]);
        TrainingConfig config = Config() with { Beta = 2.5 };
        using var generator = new Generator(1);

        ReconstructionObjective.Terms terms = ReconstructionObjective.Of(config).BatchLoss(model, rows, generator);

        // Per row: BCE summed over 784 pixels is hundreds of nats, so the float32 sum is good to ~1e-4 relative.
        double expected = terms.Reconstruction!.item<float>() + 2.5 * terms.Divergence!.item<float>();
        Assert.Equal(expected, terms.Loss.item<float>(), 1e-4 * expected);
        Assert.InRange(terms.Reconstruction.item<float>(), 400, 700); // untrained: ≈ 784 · ln 2 · (most pixels near 0 cost less)
    }

    [Fact]
    public void Training_lowers_the_held_out_negative_elbo_and_records_both_terms_each_epoch()
    {
        using Trainer trainer = TrainingRuns.Run(Config(), trainImages: 3000, testImages: 500);

        IReadOnlyList<AutoEncoder.Training.Artifacts.EpochRecord> history = trainer.State.History;
        Assert.True(history[1].TestLoss < history[0].TestLoss, $"negative ELBO {history[0].TestLoss:F2} then {history[1].TestLoss:F2}");
        // The parts are averaged from float32 batch figures: they add up to the total within 0.01 nats.
        Assert.All(history, e => Assert.Equal(e.TestLoss, e.TestReconstruction!.Value + e.TestKl!.Value, 0.01));
        Assert.All(history, e => Assert.True(e.TestKl > 0));
    }

    [Fact]
    public void The_same_seed_draws_the_same_samples_and_gives_bit_identical_weights_on_two_shards()
    {
        using Trainer first = TrainingRuns.Run(Config(epochs: 1, threads: 2), trainImages: 1000, testImages: 100);
        using Trainer second = TrainingRuns.Run(Config(epochs: 1, threads: 2), trainImages: 1000, testImages: 100);
        using Trainer other = TrainingRuns.Run(Config(epochs: 1, seed: 1, threads: 2), trainImages: 1000, testImages: 100);

        Assert.Equal(TrainingRuns.Weights(first.Model), TrainingRuns.Weights(second.Model));
        Assert.NotEqual(TrainingRuns.Weights(first.Model), TrainingRuns.Weights(other.Model));
    }

    [Fact]
    public void The_exported_encoder_gives_the_posterior_mean_and_log_variance_within_the_parity_bound()
    {
        using Trainer trainer = TrainingRuns.Run(Config(epochs: 1), trainImages: 1000, testImages: 100);
        ModelExport.Result result = TrainingRuns.Export(trainer, rows: 200);
        byte[] encoderBytes = result.Files[ModelRole.Encoder];

        float[][] outputs = OrtRunner.RunOutputs(encoderBytes, Mnist.TestPixels(200), 200, TensorNames.Embedding, TensorNames.LogVariance);
        trainer.Model.eval();
        using var noGrad = no_grad();
        (Tensor mean, Tensor logVariance) = trainer.Model.EncodeDistribution(tensor(Mnist.TestPixels(200), [200, 784]));
        float[] expectedVariance = logVariance.data<float>().ToArray();

        Assert.True(OrtRunner.MaxAbsDifference(mean.data<float>().ToArray(), outputs[0]) <= ModelExport.ParityBound(outputs[0]));
        Assert.True(OrtRunner.MaxAbsDifference(expectedVariance, outputs[1]) <= ModelExport.ParityBound(expectedVariance));
        // Consumers see the mean: Encoder picks the embedding output on either backend.
        foreach (InferenceBackend backend in new[] { InferenceBackend.Managed, InferenceBackend.OnnxRuntime })
        {
            using var encoder = Encoder.Load(encoderBytes, new InferenceOptions { Backend = backend });
            Assert.True(OrtRunner.MaxAbsDifference(outputs[0], encoder.EncodeBatch(Mnist.TestPixels(200))) <= 1e-5, backend.ToString());
        }
        using var decoder = Decoder.Load(result.Files[ModelRole.Decoder]);
        Assert.True(decoder.IsGenerative);
    }

    [Fact]
    public void The_importance_weighted_bound_lies_below_the_negative_elbo_which_matches_training()
    {
        using Trainer trainer = TrainingRuns.Run(Config(epochs: 2), trainImages: 3000, testImages: 500);
        ModelExport.Result result = TrainingRuns.Export(trainer, rows: 500);
        float[] rows = Mnist.TestPixels(500);

        VariationalEvaluation measured = VariationalBound.Measure(result.Files[ModelRole.Encoder], result.Files[ModelRole.Decoder], rows, rows, 500, ReconstructionLoss.Bce);

        // IWAE-100 tightens the bound by a few nats; both are estimates over 500 rows, the trainer's of one sample per
        // row, so they agree to about a nat (measured: 0.2–0.5).
        Assert.True(measured.ImportanceWeightedNll < measured.NegativeElbo, $"{measured.ImportanceWeightedNll:F2} against {measured.NegativeElbo:F2}");
        Assert.Equal(trainer.State.History[^1].TestLoss, measured.NegativeElbo, 1.5);
    }
}
