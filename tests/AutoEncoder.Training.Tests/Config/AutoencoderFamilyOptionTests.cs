using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using TorchSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Config;

public sealed class AutoencoderFamilyOptionTests
{
    private static readonly TrainingConfig Deep = TrainingConfig.DeepPreset with { Loss = ReconstructionLoss.Bce };

    [Fact]
    public void The_vae_preset_is_the_deep_layers_with_a_log_variance_head_and_the_vae_objective()
    {
        TrainingConfig vae = TrainingConfig.FromPreset("vae");

        Assert.Equal((TrainingObjective.Vae, true), (vae.Objective, vae.Model.Variational));
        Assert.Equal([512, 256], vae.Model.Hidden);
        Assert.Equal((2, 30, 128, 1e-3), (vae.Model.Latent, vae.Epochs, vae.BatchSize, vae.LearningRate));
    }

    [Theory]
    [InlineData("objective", "expected a variational model for the vae objective")]
    [InlineData("beta", "expected --objective vae, whose KL term it weights")]
    [InlineData("activity-l1", "expected the reconstruction objective (a sparse autoencoder), found umap")]
    [InlineData("noise", "expected a reconstruction or vae objective, found umap")]
    [InlineData("salt-pepper", "salt-pepper sets values to 0 or 1: expected values in [0, 1] (loss bce), found loss mse")]
    public void A_combination_the_family_does_not_train_is_refused_naming_it(string setting, string message)
    {
        TrainingConfig config = setting switch
        {
            "objective" => Deep with { Objective = TrainingObjective.Vae },
            "beta" => Deep with { Beta = 2 },
            "activity-l1" => TrainingConfig.UmapPreset with { ActivityL1 = 1e-4 },
            "noise" => TrainingConfig.UmapPreset with { Noise = "gaussian:0.5" },
            _ => Deep with { Noise = "salt-pepper:0.1", Loss = ReconstructionLoss.Mse },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => config.Validate());

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("--objective vae")]
    [InlineData("--noise")]
    [InlineData("--activity-l1")]
    public void The_fused_path_refuses_what_only_autograd_trains_and_auto_chooses_autograd(string option)
    {
        TrainingConfig config = option switch
        {
            "--objective vae" => TrainingConfig.VaePreset with { Loss = ReconstructionLoss.Bce },
            "--noise" => Deep with { Noise = "masking:0.2" },
            _ => Deep with { ActivityL1 = 1e-4 },
        };
        torch.manual_seed(0);
        using var model = new AutoEncoderModel(config.Model);

        var error = Assert.Throws<NotSupportedException>(() => TrainingSteps.Create(model, config with { Path = TrainingPath.Fused }));

        Assert.Equal($"--training-path fused: the fused step trains the plain autoencoder; {option} trains through autograd (--training-path autograd or auto)", error.Message);
        Assert.Equal(TrainingPath.Autograd, TrainingSteps.Resolve(model.Plan, config with { Path = TrainingPath.Auto }));
    }
}
