using AutoEncoder.Training.Config;
using AutoEncoder.Training.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// What the general training step minimises on a batch of rows: the plain reconstruction loss, or one of the
/// family that shares its decoder (denoising: corrupted inputs, clean targets; sparse: plus an L1 penalty on the
/// codes; variational: the negative ELBO). Random draws (noise, the posterior's samples) come from the generator
/// the caller seeds, so that a run and its resumed twin draw the same.
/// </summary>
internal sealed class ReconstructionObjective
{
    /// <summary>½·ln 2π, the unit Gaussian's log-density constant per feature.</summary>
    public const double HalfLogTwoPi = 0.91893853320467274178;

    private ReconstructionObjective(ReconstructionLoss loss, NoiseRule? noise, double activityL1, double? beta)
    {
        Loss = loss;
        Noise = noise;
        ActivityL1 = activityL1;
        Beta = beta;
    }

    /// <summary>The reconstruction loss: BCE (Bernoulli decoder) or squared error (Gaussian decoder).</summary>
    public ReconstructionLoss Loss { get; }

    /// <summary>The input corruption of a denoising run, or null.</summary>
    public NoiseRule? Noise { get; }

    /// <summary>The L1 penalty's weight on the codes (0 for none).</summary>
    public double ActivityL1 { get; }

    /// <summary>The KL term's weight of a variational run, or null for an autoencoder.</summary>
    public double? Beta { get; }

    /// <summary>Whether a batch's loss draws random numbers (noise or posterior samples).</summary>
    public bool Draws => Noise is not null || Beta is not null;

    /// <summary>Whether this is the plain reconstruction loss, which <see cref="Trainer.MeanLoss"/> measures as well.</summary>
    public bool IsPlain => !Draws && ActivityL1 == 0;

    /// <summary>The plain reconstruction objective of <paramref name="loss"/>.</summary>
    public static ReconstructionObjective Plain(ReconstructionLoss loss) => new(loss, null, 0, null);

    /// <summary>The objective <paramref name="config"/> trains.</summary>
    public static ReconstructionObjective Of(TrainingConfig config) => new(config.LossKind, config.NoiseSettings, config.ActivityL1 ?? 0,
        config.Objective == TrainingObjective.Vae ? config.KlWeight : null);

    /// <summary>The loss to minimise on rows <paramref name="clean"/> (and its parts), drawing from <paramref name="generator"/>.</summary>
    public Terms BatchLoss(AutoEncoderModel model, Tensor clean, Generator? generator)
    {
        Tensor input = Noise is { } noise ? noise.Apply(clean, Require(generator), Loss == ReconstructionLoss.Bce) : clean;
        if (Beta is { } beta)
        {
            (Tensor mean, Tensor logVariance) = model.EncodeDistribution(input);
            Tensor sample = mean.Plus(logVariance.Times(0.5).exp() * randn(mean.shape, generator: Require(generator)));
            long rows = clean.shape[0];
            Tensor reconstruction = NegativeLogLikelihood(model.Decode(sample), clean).sum().DividedBy(rows);
            Tensor divergence = KlDivergence(mean, logVariance).sum().DividedBy(rows);
            return new Terms(reconstruction.Plus(divergence.Times(beta)), reconstruction, divergence);
        }
        Tensor code = model.Encode(input);
        Tensor loss = AutogradTrainingStep.Loss(model.Decode(code), clean, Loss);
        return new Terms(ActivityL1 > 0 ? loss.Plus(code.abs().sum(1).mean().Times(ActivityL1)) : loss, null, null);
    }

    /// <summary>
    /// Each value's negative log-likelihood under the decoder's output: the Bernoulli's BCE of the logits, or the
    /// unit-variance Gaussian's ½(x − x̂)² + ½·ln 2π.
    /// </summary>
    public Tensor NegativeLogLikelihood(Tensor output, Tensor target) => Loss == ReconstructionLoss.Bce
        ? nn.functional.binary_cross_entropy_with_logits(output, target, reduction: nn.Reduction.None)
        : (output - target).square().Times(0.5).Plus(HalfLogTwoPi);

    /// <summary>KL(N(mean, e^logVariance) ‖ N(0, I)) of each row: −½ Σ (1 + log σ² − μ² − σ²).</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVariance) =>
        (logVariance.Plus(1) - mean.square() - logVariance.exp()).sum(1).Times(-0.5);

    private static Generator Require(Generator? generator) =>
        generator ?? throw new InvalidOperationException("this objective draws random numbers: a seeded generator is required");

    /// <summary>A batch's loss and, for a variational run, its two parts (per row, summed over features).</summary>
    public sealed record Terms(Tensor Loss, Tensor? Reconstruction, Tensor? Divergence);
}
