using AutoEncoder.Training.Config;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// How well a model cleans corrupted rows: the held-out rows corrupted as a <see cref="NoiseRule"/> says (seeded),
/// reconstructed by the exported full model, and compared with the clean rows by their mean PSNR per row, beside
/// the corrupted rows' own PSNR (what doing nothing scores).
/// </summary>
internal static class Denoising
{
    // Per-row squared error below this counts as this: a perfect row would otherwise score an infinite PSNR.
    private const double SmallestError = 1e-10;

    /// <summary>
    /// Measures <paramref name="autoencoderModel"/> on <paramref name="clean"/> (scaled rows of <paramref name="width"/>
    /// values, the training space), corrupting them by <paramref name="noise"/> from <paramref name="seed"/>; rows reach
    /// the model through <paramref name="toRaw"/>, the inverse of the graph's own scaling.
    /// </summary>
    public static DenoisingEvaluation Measure(byte[] autoencoderModel, float[] clean, int width, NoiseRule noise, bool unitRange,
        Func<float[], float[]> toRaw, long seed = 0)
    {
        int rows = clean.Length / width;
        float[] corrupted;
        using (var generator = new Generator((ulong)seed))
        using (Tensor rowsTensor = tensor(clean, [rows, width]))
        using (Tensor noisy = noise.Apply(rowsTensor, generator, unitRange))
            corrupted = noisy.data<float>().ToArray();
        float[] reconstructed = OrtRunner.Run(autoencoderModel, toRaw(corrupted), rows);
        // Images (and any [0, 1] data) span 1; other data the clean rows' own range.
        double range = unitRange ? 1 : clean.Max() - clean.Min();
        return new DenoisingEvaluation(noise.ToString(), MeanPsnr(clean, corrupted, width, range), MeanPsnr(clean, reconstructed, width, range));
    }

    /// <summary>The mean over rows of 10·log10(range² / the row's mean squared error).</summary>
    public static double MeanPsnr(ReadOnlySpan<float> clean, ReadOnlySpan<float> other, int width, double range)
    {
        int rows = clean.Length / width;
        double sum = 0;
        for (int r = 0; r < rows; r++)
        {
            double error = 0;
            for (int i = r * width; i < (r + 1) * width; i++)
            {
                double difference = clean[i] - other[i];
                error += difference * difference;
            }
            sum += 10 * Math.Log10(range * range / Math.Max(error / width, SmallestError));
        }
        return sum / rows;
    }
}

/// <summary>Reconstruction of corrupted held-out rows, against the clean rows.</summary>
/// <param name="Noise">The corruption (<see cref="NoiseRule"/>).</param>
/// <param name="CorruptedPsnr">Mean PSNR per row of the corrupted rows (dB).</param>
/// <param name="ReconstructedPsnr">Mean PSNR per row of the model's reconstructions of them (dB).</param>
internal sealed record DenoisingEvaluation(string Noise, double CorruptedPsnr, double ReconstructedPsnr);
