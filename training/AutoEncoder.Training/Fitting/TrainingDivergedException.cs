namespace AutoEncoder.Training.Fitting;

/// <summary>The loss became NaN or infinite; training stopped and no model was written.</summary>
internal sealed class TrainingDivergedException(int epoch, int batch, double loss)
    : Exception($"training diverged: loss is {loss} at epoch {epoch}, batch {batch}; no model written " +
                "(try a lower --learning-rate)")
{
    /// <summary>1-based epoch in which the loss stopped being finite.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>1-based batch within <see cref="Epoch"/>.</summary>
    public int Batch { get; } = batch;
}
