using TorchSharp.Modules;

namespace AutoEncoder.Training.Fitting;

/// <summary>Restores an Adam optimiser's state from a checkpoint, for the steps that use TorchSharp's Adam.</summary>
internal static class OptimizerState
{
    /// <summary>Loads what <c>save_state_dict</c> wrote into <paramref name="adam"/>.</summary>
    /// <exception cref="InvalidDataException">The state does not fit this model.</exception>
    public static void Load(Adam adam, BinaryReader reader)
    {
        try
        {
            adam.load_state_dict(reader);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or InvalidOperationException)
        {
            throw new InvalidDataException($"optimizer state does not fit this model ({e.Message})", e);
        }
    }
}
