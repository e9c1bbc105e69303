using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

public sealed class SparseTests
{
    private static TrainingConfig Config(double? l1) =>
        TrainingRuns.Config(new ModelConfig(784, [64], 16, Activation.Relu), epochs: 1) with { ActivityL1 = l1, Path = TrainingPath.Autograd };

    [Fact]
    public void The_activity_penalty_adds_lambda_times_the_mean_over_rows_of_the_summed_absolute_codes()
    {
        torch.manual_seed(0);
        using var model = new AutoEncoderModel(Config(null).Model);
        using Tensor rows = tensor(Mnist.TestPixels(16), [16, 784]);

        float plain = ReconstructionObjective.Of(Config(null)).BatchLoss(model, rows, null).Loss.item<float>();
        float penalised = ReconstructionObjective.Of(Config(0.01)).BatchLoss(model, rows, null).Loss.item<float>();
        double codes = model.Encode(rows).abs().sum(1).mean().item<float>();

        // float32 sums of a loss near 0.7 and a penalty near 0.1: equal to 1e-6.
        Assert.Equal(plain + 0.01 * codes, penalised, 1e-6);
    }

    [Fact]
    public void A_strong_penalty_trains_smaller_codes_than_none()
    {
        using Trainer plain = TrainingRuns.Run(Config(null), trainImages: 2000, testImages: 200);
        using Trainer sparse = TrainingRuns.Run(Config(0.05), trainImages: 2000, testImages: 200);
        using Tensor rows = tensor(Mnist.TestPixels(200), [200, 784]);

        double MeanAbsCode(Trainer trainer)
        {
            trainer.Model.eval();
            using var noGrad = no_grad();
            return trainer.Model.Encode(rows).abs().mean().item<float>();
        }

        // Measured: the penalty shrinks the mean |code| several-fold; half is a wide margin.
        Assert.True(MeanAbsCode(sparse) < 0.5 * MeanAbsCode(plain), $"{MeanAbsCode(sparse):F3} against {MeanAbsCode(plain):F3}");
    }
}
