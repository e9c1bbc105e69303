using AutoEncoder.Training.Config;

namespace AutoEncoder.Training.Fitting;

/// <summary>The rate at a given step; a pure function of the step, so a resumed run continues exactly.</summary>
internal static class LearningRates
{
    /// <summary>The learning rate for step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    public static double At(LearningRateSchedule schedule, double rate, long step, long totalSteps) => schedule switch
    {
        LearningRateSchedule.Cosine => rate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)),
        _ => rate,
    };
}
