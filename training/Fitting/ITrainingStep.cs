namespace AutoEncoder.Training.Fitting;

/// <summary>One way of taking Adam steps on an autoencoder: mean BCE-with-logits of its reconstructions.</summary>
internal interface ITrainingStep : IDisposable
{
    /// <summary>
    /// Trains on rows <paramref name="order"/>[start .. start + rows) of <paramref name="data"/> (row-major):
    /// gradients of the mean loss, then one Adam update with learning rate <paramref name="rate"/>. Returns
    /// the batch's mean loss.
    /// </summary>
    double Step(float[] data, long[] order, int start, int rows, double rate);

    /// <summary>Makes the model's own parameters hold the trained weights.</summary>
    void CopyToModel();

    /// <summary>Writes the optimiser's state (step count and moments).</summary>
    void SaveState(BinaryWriter writer);

    /// <summary>Restores the state written by <see cref="SaveState"/>.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this model.</exception>
    void LoadState(BinaryReader reader);
}
