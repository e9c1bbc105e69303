namespace AutoEncoder.Training.Config;

/// <summary>How Adam's step size changes over a run.</summary>
internal enum LearningRateSchedule
{
    /// <summary>The configured rate throughout, as in the seed.</summary>
    Constant,

    /// <summary>Half a cosine from the configured rate down to zero over all steps of the run.</summary>
    Cosine,
}
