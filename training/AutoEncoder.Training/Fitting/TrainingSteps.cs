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
        _ when config.Objective != TrainingObjective.Reconstruction => config.Path != TrainingPath.Fused
            ? new UmapTrainingStep(model, config, log, folder)
            : throw new NotSupportedException("--training-path fused: the fused step trains reconstruction only; UMAP objectives train through autograd"),
        TrainingPath.Fused => config.LossKind == ReconstructionLoss.Bce
            ? new FusedTrainingStep(model, config.BatchSize, config.Threads)
            : throw new NotSupportedException("--training-path fused: the fused step trains BCE only; use --training-path autograd (or auto) with --loss mse"),
        _ => new AutogradTrainingStep(model, config.BatchSize, config.LossKind, config.Threads),
    };

    /// <summary>
    /// The path <paramref name="config"/> asks for on <paramref name="plan"/>: Auto becomes Fused where the
    /// fused step applies (its hand-written gradients are BCE's), Autograd elsewhere.
    /// </summary>
    public static TrainingPath Resolve(LayerPlan plan, TrainingConfig config) =>
        config.Path != TrainingPath.Auto ? config.Path
        : config.LossKind == ReconstructionLoss.Bce && FusedTrainingStep.Supports(plan, out _) ? TrainingPath.Fused
        : TrainingPath.Autograd;
}
