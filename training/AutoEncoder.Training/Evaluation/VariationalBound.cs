using AutoEncoder.Inference;
using AutoEncoder.Inference.Internal;
using AutoEncoder.ModelFormat;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// A variational autoencoder's likelihood figures on held-out rows, from its exported encoder (the posterior's mean
/// and log-variance) and decoder: the negative ELBO, and the importance-weighted bound of Burda et al. (2016) with
/// k posterior samples per row, −log (1/k Σ p(x|z)p(z)/q(z|x)), which approaches the negative log-likelihood as k
/// grows. Both in nats per row; the reconstruction term is the decoder's Bernoulli (BCE) or unit Gaussian density
/// summed over features, as training measures it.
/// </summary>
internal static class VariationalBound
{
    /// <summary>Posterior samples per row of the importance-weighted bound (IWAE-100, the usual report).</summary>
    public const int Samples = 100;

    // Rows decoded at a time: 16 rows × 100 samples × 784 values are 5 MB of reconstructions.
    private const int ChunkRows = 16;

    // Probabilities are clamped so that a float32 sigmoid saturated at 0 or 1 keeps a finite logarithm (Keras
    // clips binary cross-entropy at the same 1e-7).
    private const double Epsilon = 1e-7;

    /// <summary>
    /// Measures the models on <paramref name="rows"/> raw rows of <paramref name="input"/> whose scaled values (the
    /// decoder's targets) are <paramref name="targets"/>; draws are seeded by <paramref name="seed"/>.
    /// </summary>
    public static VariationalEvaluation Measure(byte[] encoderModel, byte[] decoderModel, float[] input, float[] targets, int rows,
        ReconstructionLoss loss, int seed = 0)
    {
        // Chunks run in parallel, each decoded on its own thread: a decoder splitting every chunk across the
        // cores again would run twice as many threads as cores.
        using Decoder decoder = Decoder.Load(decoderModel, new InferenceOptions { IntraOpThreads = 1 });
        float[][] posterior = OrtRunner.RunOutputs(encoderModel, input, rows, TensorNames.Embedding, TensorNames.LogVariance);
        (float[] mean, float[] logVariance) = (posterior[0], posterior[1]);
        int latent = decoder.EmbeddingSize, width = decoder.OutputSize;
        var negativeElbo = new double[rows];
        var importanceWeighted = new double[rows];
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        Parallel.For(0, chunks, chunk =>
        {
            int first = chunk * ChunkRows, count = Math.Min(ChunkRows, rows - first);
            var noise = new float[count * Samples * latent];
            StandardNormal.Fill(noise, unchecked(seed * 1_000_003 + chunk));
            var codes = new float[noise.Length];
            var logWeights = new double[Samples];
            for (int r = 0; r < count; r++)
                for (int s = 0; s < Samples; s++)
                    for (int d = 0; d < latent; d++)
                    {
                        int at = ((first + r) * latent) + d, code = ((r * Samples + s) * latent) + d;
                        codes[code] = mean[at] + MathF.Exp(0.5f * logVariance[at]) * noise[code];
                    }
            float[] decoded = decoder.DecodeBatch(codes);
            for (int r = 0; r < count; r++)
            {
                int row = first + r;
                ReadOnlySpan<float> target = targets.AsSpan(row * width, width);
                double divergence = 0, reconstruction = 0;
                for (int d = 0; d < latent; d++)
                {
                    double m = mean[row * latent + d], v = logVariance[row * latent + d];
                    divergence += -0.5 * (1 + v - m * m - Math.Exp(v));
                }
                for (int s = 0; s < Samples; s++)
                {
                    double logLikelihood = LogLikelihood(target, decoded.AsSpan((r * Samples + s) * width, width), loss);
                    reconstruction -= logLikelihood;
                    // log p(z) − log q(z|x): the Gaussian constants cancel; what is left is −½ z² against −½ ε² − ½ log σ².
                    double logPrior = 0, logPosterior = 0;
                    for (int d = 0; d < latent; d++)
                    {
                        double z = codes[(r * Samples + s) * latent + d], e = noise[(r * Samples + s) * latent + d];
                        logPrior -= 0.5 * z * z;
                        logPosterior -= 0.5 * e * e + 0.5 * logVariance[row * latent + d];
                    }
                    logWeights[s] = logLikelihood + logPrior - logPosterior;
                }
                negativeElbo[row] = reconstruction / Samples + divergence;
                importanceWeighted[row] = -(LogSumExp(logWeights) - Math.Log(Samples));
            }
        });
        return new VariationalEvaluation(negativeElbo.Average(), importanceWeighted.Average(), Samples);
    }

    // log p(x | decoded) summed over features.
    private static double LogLikelihood(ReadOnlySpan<float> target, ReadOnlySpan<float> decoded, ReconstructionLoss loss)
    {
        double sum = 0;
        if (loss == ReconstructionLoss.Bce)
            for (int i = 0; i < target.Length; i++)
            {
                double p = Math.Clamp(decoded[i], Epsilon, 1 - Epsilon);
                sum += target[i] * Math.Log(p) + (1 - target[i]) * Math.Log(1 - p);
            }
        else
            for (int i = 0; i < target.Length; i++)
            {
                double difference = target[i] - decoded[i];
                sum -= 0.5 * difference * difference + ReconstructionObjective.HalfLogTwoPi;
            }
        return sum;
    }

    private static double LogSumExp(ReadOnlySpan<double> values)
    {
        double largest = double.NegativeInfinity;
        foreach (double value in values) largest = Math.Max(largest, value);
        double sum = 0;
        foreach (double value in values) sum += Math.Exp(value - largest);
        return largest + Math.Log(sum);
    }
}

/// <summary>A variational autoencoder's held-out likelihood figures, nats per row.</summary>
/// <param name="NegativeElbo">The negative ELBO: the analytic KL plus the reconstruction term averaged over the samples.</param>
/// <param name="ImportanceWeightedNll">The importance-weighted bound on the negative log-likelihood (IWAE-k).</param>
/// <param name="Samples">Posterior samples per row (k).</param>
internal sealed record VariationalEvaluation(double NegativeElbo, double ImportanceWeightedNll, int Samples);
