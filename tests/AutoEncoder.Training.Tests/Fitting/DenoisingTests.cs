using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

public sealed class DenoisingTests
{
    private const int Values = 100_000;

    [Theory]
    [InlineData("gaussian:0.5", "gaussian", 0.5)]
    [InlineData("masking:0.3", "masking", 0.3)]
    [InlineData("salt-pepper:0.1", "salt-pepper", 0.1)]
    public void A_noise_rule_reads_its_kind_and_amount(string text, string kind, double amount)
    {
        NoiseRule rule = NoiseRule.Parse(text);

        Assert.Equal((kind, amount), (rule.Kind, rule.Amount));
        Assert.Equal(text, rule.ToString());
    }

    [Theory]
    [InlineData("gaussian:0")]
    [InlineData("masking:1")]
    [InlineData("salt-pepper")]
    [InlineData("blur:2")]
    public void A_bad_noise_rule_is_refused_naming_what_is_expected(string text)
    {
        var error = Assert.Throws<ArgumentException>(() => NoiseRule.Parse(text));

        Assert.Equal($"--noise: expected {NoiseRule.Expected}, found '{text}'", error.Message);
    }

    [Fact]
    public void Gaussian_noise_has_the_asked_spread_and_the_same_seed_draws_the_same()
    {
        using Tensor clean = full(Values, 0.5f);
        using var first = new Generator(3);
        using var second = new Generator(3);
        NoiseRule rule = NoiseRule.Parse("gaussian:0.1");

        using Tensor noisy = rule.Apply(clean, first, unitRange: true);
        using Tensor again = rule.Apply(clean, second, unitRange: true);

        Assert.Equal(noisy.data<float>().ToArray(), again.data<float>().ToArray());
        // 100,000 draws: the sample deviation is within 1% of σ (its standard error is 0.2%); σ = 0.1 around 0.5 is
        // clipped at 5 σ, a share of 6e-7.
        Assert.Equal(0.1, (noisy - clean).std().item<float>(), 0.001);
    }

    [Fact]
    public void Gaussian_noise_is_clipped_to_the_unit_interval_for_bce_data_only()
    {
        using Tensor clean = zeros(Values);
        NoiseRule rule = NoiseRule.Parse("gaussian:0.5");
        using var generator = new Generator(1);

        using Tensor clipped = rule.Apply(clean, generator, unitRange: true);
        using Tensor free = rule.Apply(clean, generator, unitRange: false);

        Assert.Equal(0f, clipped.min().item<float>());
        Assert.True(clipped.max().item<float>() <= 1f);
        Assert.True(free.min().item<float>() < -1f);
    }

    [Fact]
    public void Masking_zeroes_about_p_of_the_values_and_keeps_the_rest()
    {
        using Tensor clean = full(Values, 0.7f);
        using var generator = new Generator(2);

        float[] masked = NoiseRule.Parse("masking:0.3").Apply(clean, generator, unitRange: true).data<float>().ToArray();

        // Binomial share over 100,000 values: standard error 0.0015, so ±0.01 is over 6 of them.
        Assert.Equal(0.3, masked.Count(v => v == 0) / (double)Values, 0.01);
        Assert.All(masked, v => Assert.True(v is 0f or 0.7f));
    }

    [Fact]
    public void Salt_and_pepper_sets_about_p_of_the_values_to_0_or_1_with_even_odds()
    {
        using Tensor clean = full(Values, 0.5f);
        using var generator = new Generator(4);

        float[] noisy = NoiseRule.Parse("salt-pepper:0.2").Apply(clean, generator, unitRange: true).data<float>().ToArray();

        // Each of 0 and 1 with probability 0.1: standard error 0.001 over 100,000 values.
        Assert.Equal(0.1, noisy.Count(v => v == 0) / (double)Values, 0.006);
        Assert.Equal(0.1, noisy.Count(v => v == 1) / (double)Values, 0.006);
    }

    [Fact]
    public void A_denoising_step_reconstructs_the_corrupted_rows_against_the_clean_ones()
    {
        TrainingConfig config = TrainingRuns.Config(new ModelConfig(784, [32], 8, Activation.Relu)) with { Noise = "masking:0.5" };
        torch.manual_seed(0);
        using var model = new AutoEncoderModel(config.Model);
        using Tensor clean = tensor(Mnist.TestPixels(16), [16, 784]);

        using var generator = new Generator(9);
        float loss = ReconstructionObjective.Of(config).BatchLoss(model, clean, generator).Loss.item<float>();
        using var sameDraws = new Generator(9);
        using Tensor corrupted = config.NoiseSettings!.Apply(clean, sameDraws, unitRange: true);
        float expected = AutogradTrainingStep.Loss(model.forward(corrupted), clean, ReconstructionLoss.Bce).item<float>();

        // The same draws and the same float32 operations: equal to the last bit.
        Assert.Equal(expected, loss);
        Assert.NotEqual(AutogradTrainingStep.Loss(model.forward(corrupted), corrupted, ReconstructionLoss.Bce).item<float>(), loss);
    }

    [Fact]
    public void Psnr_is_ten_log10_of_the_squared_range_over_each_rows_mean_squared_error()
    {
        float[] clean = new float[8], other = [.. Enumerable.Repeat(0.1f, 4), .. Enumerable.Repeat(0.01f, 4)];

        // Row 1: MSE 0.01 → 20 dB; row 2: MSE 1e-4 → 40 dB; the mean 30 dB (to float32's 0.1f).
        Assert.Equal(30, Denoising.MeanPsnr(clean, other, 4, range: 1), 1e-5);
    }
}
