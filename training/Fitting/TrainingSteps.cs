using AutoEncoder.Training.Model;

namespace AutoEncoder.Training.Fitting;

/// <summary>Chooses the training step a configuration asks for.</summary>
internal static class TrainingSteps
{
    /// <summary>The step for <paramref name="model"/> as <paramref name="config"/>'s <see cref="TrainingConfig.Path"/> says.</summary>
    /// <exception cref="NotSupportedException">The fused path was asked for a model it cannot train.</exception>
    public static ITrainingStep Create(AutoEncoderModel model, TrainingConfig config) => Resolve(model.Plan, config.Path) switch
    {
        TrainingPath.Fused => new FusedTrainingStep(model, config.BatchSize, config.Threads),
        _ => new AutogradTrainingStep(model, config.BatchSize),
    };

    /// <summary>The path <paramref name="path"/> stands for on <paramref name="plan"/>: Auto becomes Fused where it applies.</summary>
    public static TrainingPath Resolve(LayerPlan plan, TrainingPath path) =>
        path == TrainingPath.Auto ? (FusedTrainingStep.Supports(plan, out _) ? TrainingPath.Fused : TrainingPath.Autograd) : path;
}
