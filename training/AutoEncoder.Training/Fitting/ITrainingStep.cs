using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Network;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// One way of taking Adam steps on an autoencoder. An epoch is an ordered list of items, by default the
/// training rows shuffled; a step trains on a slice of it.
/// </summary>
internal interface ITrainingStep : IDisposable
{
    /// <summary>Sees the training rows before the first epoch (the UMAP step builds its neighbour graph of them).</summary>
    void Prepare(DataSplit train)
    {
    }

    /// <summary>
    /// Whether the step splits each batch into shards, each on its own thread with one libtorch thread; the
    /// trainer then leaves libtorch one thread between steps too.
    /// </summary>
    bool Sharded => false;

    /// <summary>The items of epoch <paramref name="epoch"/> in training order: the <paramref name="rows"/> row indices shuffled, seeded by (seed, epoch).</summary>
    long[] EpochOrder(int rows, long seed, int epoch) => Trainer.ShuffleOrder(rows, seed, epoch);

    /// <summary>The loss reported on held-out data after an epoch: the mean reconstruction loss of <paramref name="test"/>.</summary>
    double TestLoss(AutoEncoderModel model, Tensor test, ReconstructionLoss loss) => Trainer.MeanLoss(model, test, loss);

    /// <summary>A variational run's parts of the last <see cref="TestLoss"/> (reconstruction and KL, per row); null otherwise.</summary>
    (double Reconstruction, double Divergence)? TestTerms => null;

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
