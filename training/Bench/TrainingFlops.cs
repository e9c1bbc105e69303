using AutoEncoder.Training.Model;

namespace AutoEncoder.Training.Bench;

/// <summary>Arithmetic of one training step of an autoencoder, to turn time into GFLOP/s.</summary>
internal static class TrainingFlops
{
    /// <summary>
    /// Matrix-multiply FLOPs of one step on <paramref name="rows"/> rows: per linear layer in→out, forward
    /// 2·rows·in·out, weight gradient as much again, and the input gradient as much again except for the
    /// first layer, whose input is data. Biases and activations are a rounding error beside these.
    /// </summary>
    public static double PerStep(ModelConfig config, int rows)
    {
        int[] widths = [config.InputSize, .. config.Hidden, config.Latent, .. config.Hidden.Reverse(), config.InputSize];
        double flops = 0;
        for (int i = 0; i + 1 < widths.Length; i++)
            flops += (i == 0 ? 4.0 : 6.0) * rows * widths[i] * widths[i + 1];
        return flops;
    }
}
