using AutoEncoder.Training.Config;
using AutoEncoder.Training.Network;

namespace AutoEncoder.Training.Fitting;

/// <summary>Chooses the training step a configuration asks for.</summary>
internal static class TrainingSteps
{
    /// <summary>The step for <paramref name="model"/> as <paramref name="config"/>'s <see cref="TrainingConfig.Path"/> says.</summary>
    /// <exception cref="NotSupportedException">The fused path was asked for a model it cannot train.</exception>
    public static ITrainingStep Create(AutoEncoderModel model, TrainingConfig config, Action<string>? log = null, string? folder = null) => Resolve(model.Plan, config) switch
    {
        _ when config.IsUmap => config.Path != TrainingPath.Fused
            ? new UmapTrainingStep(model, config, log, folder)
            : throw new NotSupportedException("--training-path fused: the fused step trains reconstruction only; UMAP objectives train through autograd"),
        TrainingPath.Fused when Extension(config) is { } extension =>
            throw new NotSupportedException($"--training-path fused: the fused step trains the plain autoencoder; {extension} trains through autograd (--training-path autograd or auto)"),
        TrainingPath.Fused => config.LossKind == ReconstructionLoss.Bce
            ? new FusedTrainingStep(model, config.BatchSize, config.Threads)
            : throw new NotSupportedException("--training-path fused: the fused step trains BCE only; use --training-path autograd (or auto) with --loss mse"),
        _ => new AutogradTrainingStep(model, config.BatchSize, ReconstructionObjective.Of(config), config.Seed, config.Threads),
    };

    // The option that takes a run beyond the plain autoencoder the fused step's hand-written gradients compute, or null.
    private static string? Extension(TrainingConfig config) =>
        config.Objective == TrainingObjective.Vae ? "--objective vae"
        : config.Noise is not null ? "--noise"
        : config.ActivityL1 is > 0 ? "--activity-l1"
        : null;

    /// <summary>
    /// The path <paramref name="config"/> asks for on <paramref name="plan"/>: Auto becomes Fused where the
    /// fused step applies (its hand-written gradients are BCE's), Autograd elsewhere.
    /// </summary>
    public static TrainingPath Resolve(LayerPlan plan, TrainingConfig config) =>
        config.Path != TrainingPath.Auto ? config.Path
        : config.LossKind == ReconstructionLoss.Bce && Extension(config) is null && FusedTrainingStep.Supports(plan, out _) ? TrainingPath.Fused
        : TrainingPath.Autograd;
}
