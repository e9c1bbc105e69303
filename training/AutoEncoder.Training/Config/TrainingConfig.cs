using System.Text.Json.Serialization;
using AutoEncoder.Inference;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Config;

/// <summary>Everything that determines the trained weights: architecture, optimiser settings and seed.</summary>
/// <param name="Preset">Name of the preset the values started from.</param>
/// <param name="Model">The architecture.</param>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="BatchSize">Images per Adam step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="Seed">Seeds weight initialisation and the per-epoch shuffles.</param>
/// <param name="Threads">Intra-op threads; results are bit-identical only for the same count.</param>
/// <param name="Schedule">How the learning rate changes over the run.</param>
/// <param name="Subset">Train on the first this many training rows only; null for all.</param>
/// <param name="Path">How gradients and Adam steps are computed; the paths agree within float rounding, not bit for bit.</param>
/// <param name="NormalClass">Train on the rows of this label only, holding some out to calibrate an anomaly threshold; null for all rows.</param>
/// <param name="Score">How a row's anomaly score is computed from its reconstruction.</param>
/// <param name="Threshold">How the anomaly threshold is chosen (<see cref="ThresholdRule.Parse"/>).</param>
/// <param name="Data">How the data set is read (format, test split, columns, image options).</param>
/// <param name="Scaling">How raw features are scaled (<see cref="ScalingRule.Parse"/>), fitted on the training split;
/// <c>auto</c> until <c>TrainingData.Resolve</c> chooses for the data (none for images, standard for tables).</param>
/// <param name="Loss">What training minimises; BCE needs scaled values in [0, 1]. Null until resolved for the data
/// (checkpoints written before the option existed trained BCE).</param>
/// <param name="Objective">What the encoder is trained for: reconstruction, UMAP, or both.</param>
/// <param name="Umap">Settings of the UMAP objective; null for the defaults.</param>
/// <param name="Patience">Early stopping: end the run when the validation loss has not improved for this many epochs,
/// and keep the weights of its best epoch (Keras's EarlyStopping with restore_best_weights); null to train every epoch.
/// The validation rows are a seeded share (the data's validation fraction) of the training rows, held out from
/// training, so that the test rows stay unseen; a one-class run monitors its held-out normal rows.</param>
/// <param name="Beta">The variational objective's weight of the KL term (β-VAE, Higgins et al. 2017); null for 1.</param>
/// <param name="Noise">A denoising autoencoder's corruption of its inputs (<see cref="NoiseRule.Parse"/>), drawn afresh
/// for every batch from the seed; null for none.</param>
/// <param name="ActivityL1">A sparse autoencoder's penalty: this times the mean over rows of the sum of |code| (Keras's
/// activity_regularizer=l1 on the code layer); null for none.</param>
internal sealed record TrainingConfig(
    string Preset, ModelConfig Model, int Epochs, int BatchSize, double LearningRate, long Seed, int Threads,
    LearningRateSchedule Schedule = LearningRateSchedule.Constant, int? Subset = null, TrainingPath Path = TrainingPath.Auto,
    int? NormalClass = null, AnomalyScore Score = AnomalyScore.Mse, string Threshold = "percentile:99",
    DataOptions? Data = null, string Scaling = "auto", ReconstructionLoss? Loss = null,
    TrainingObjective Objective = TrainingObjective.Reconstruction, UmapOptions? Umap = null, int? Patience = null,
    double? Beta = null, string? Noise = null, double? ActivityL1 = null)
{
    // The four below are derived from the parameters and never written: one name per fact in manifests,
    // checkpoints and ONNX metadata (files written before held them too; reading ignores them).

    /// <summary>How the data set is read (defaults when none were given).</summary>
    [JsonIgnore]
    public DataOptions DataOptions => Data ?? new DataOptions();

    /// <summary>The UMAP settings (defaults when none were given).</summary>
    [JsonIgnore]
    public UmapOptions UmapSettings => Umap ?? new UmapOptions();

    /// <summary>The input corruption of a denoising run, or null.</summary>
    [JsonIgnore]
    public NoiseRule? NoiseSettings => Noise is null ? null : NoiseRule.Parse(Noise);

    /// <summary>The KL term's weight under the variational objective.</summary>
    [JsonIgnore]
    public double KlWeight => Beta ?? 1;

    /// <summary>Whether the encoder is trained by a UMAP objective (with or without reconstruction).</summary>
    [JsonIgnore]
    public bool IsUmap => Objective is TrainingObjective.Umap or TrainingObjective.UmapReconstruction;

    /// <summary>Whether a decoder is trained (reconstruction is part of the objective).</summary>
    [JsonIgnore]
    public bool TrainsDecoder => Objective != TrainingObjective.Umap;

    /// <summary>The loss trained: <see cref="Loss"/>, or BCE where it was not recorded.</summary>
    [JsonIgnore]
    public ReconstructionLoss LossKind => Loss ?? ReconstructionLoss.Bce;

    /// <summary>The seed tutorial: 784 → 2 → 784, linear, Adam 1e-3, batch 32, 5 epochs.</summary>
    public static TrainingConfig SeedPreset { get; } =
        new("seed", new ModelConfig(784, [], 2, Activation.Linear), 5, 32, 1e-3, 0, 1);

    /// <summary>
    /// 784-512-256-2 ReLU with a mirrored decoder. Tuned on the test metrics (README, "Tuning the deep
    /// preset"): batch 128, 40 epochs, Adam 2e-3 decayed to zero on a cosine.
    /// </summary>
    public static TrainingConfig DeepPreset { get; } =
        new("deep", new ModelConfig(784, [512, 256], 2, Activation.Relu), 40, 128, 2e-3, 0, 2, LearningRateSchedule.Cosine);

    /// <summary>
    /// One-class anomaly detection on images (with <c>--normal-class</c>): 784-256-64-32 ReLU with a mirrored
    /// decoder, batch 128, 60 epochs (30 reached a mean MNIST AUROC of 0.963 by mean squared error, 60 reached
    /// 0.970), Adam 1e-3, scored by <see cref="AnomalyScore.Structural"/> error (README, "Anomaly detection").
    /// </summary>
    public static TrainingConfig AnomalyPreset { get; } =
        new("anomaly", new ModelConfig(784, [256, 64], 32, Activation.Relu), 60, 128, 1e-3, 0, 1, Score: AnomalyScore.Structural);

    /// <summary>
    /// Parametric UMAP (Sainburg et al. 2021): their MNIST encoder, three ReLU layers of 100 units to a 2-D
    /// code, trained on UMAP's neighbour graph (15 neighbours, min_dist 0.1, 5 negative samples) with Adam
    /// 1e-3 on batches of 1,000 edges for 64 edge epochs. On MNIST here 60 epochs had reached 5-NN 0.9518 in
    /// 185 s and 150 reached 0.9549 in 436 s (2026-11); 80 reached 0.9561 at 3.9–4.6 s an epoch after a
    /// 9 s graph (2026-12-05), about 370 s in all at the 4.5 s mean of the 64-epoch run (an estimate: that
    /// run shared the cores), beyond the 300 s of issue #27; 64 epochs took 287 s plus the graph's 10 s.
    /// </summary>
    public static TrainingConfig UmapPreset { get; } =
        new("umap", new ModelConfig(784, [100, 100, 100], 2, Activation.Relu), 64, 1000, 1e-3, 0, 2,
            Objective: TrainingObjective.Umap, Path: TrainingPath.Autograd);

    /// <summary>
    /// A convolutional autoencoder for images: two 3×3 stride-2 convolutions (32 and 64 channels), then
    /// 96-, 512- and 256-unit ReLU layers before the 2-D code, mirrored by the decoder with transposed
    /// convolutions; trained through autograd with Adam 2e-3 decayed on a cosine, batch 128, 40 epochs
    /// (README, "The conv preset", has the runs it was chosen from). The narrow first layer keeps each
    /// exported half near 2 MB: a 512-unit one held 1.6M of the model's weights. The PyTorch reference
    /// of <c>autoencoder bench</c> builds the same architecture.
    /// </summary>
    public static TrainingConfig ConvPreset { get; } =
        new("conv", new ModelConfig(784, [96, 512, 256], 2, Activation.Relu, new ConvOptions([32, 64])), 40, 128, 2e-3, 0, 2,
            LearningRateSchedule.Cosine, Path: TrainingPath.Autograd);

    /// <summary>
    /// An encoder made for clustering, after N2D (McConville et al. 2020): the UMAP preset's network mapping rows to
    /// a 10-D code with min_dist 0 (codes of one group may pack together) and 20 neighbours, as N2D sets UMAP for
    /// MNIST; with <c>--graph-encoder</c> the neighbour graph is that of an autoencoder's codes (N2D's first stage,
    /// <c>models/cluster-ae</c>), and <c>autoencoder cluster</c> then fits the Gaussian mixture. Unlike N2D's UMAP, which
    /// embeds the rows it was fitted to and no others, the result is a network that maps any new row (README, "Clustering").
    /// </summary>
    public static TrainingConfig ClusterPreset { get; } = UmapPreset with
    {
        Preset = "cluster",
        Model = UmapPreset.Model with { Latent = 10 },
        Umap = new UmapOptions(Neighbors: 20, MinDist: 0),
    };

    /// <summary>
    /// A variational autoencoder with the deep preset's layers (784-512-256-2 ReLU, mirrored) and a 2-D latent
    /// space, as the Keras example draws it: Adam 1e-3, batch 128, 30 epochs, β = 1 (issue #30's PyTorch reference
    /// trains the same).
    /// </summary>
    public static TrainingConfig VaePreset { get; } =
        new("vae", new ModelConfig(784, [512, 256], 2, Activation.Relu, Variational: true), 30, 128, 1e-3, 0, 2,
            Path: TrainingPath.Autograd, Objective: TrainingObjective.Vae);

    /// <summary>Names of the presets, for messages.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["seed", "deep", "anomaly", "umap", "conv", "cluster", "vae"];

    /// <summary>Looks a preset up by name.</summary>
    /// <exception cref="ArgumentException">No preset has that name.</exception>
    public static TrainingConfig FromPreset(string name) => name switch
    {
        "seed" => SeedPreset,
        "deep" => DeepPreset,
        "anomaly" => AnomalyPreset,
        "umap" => UmapPreset,
        "conv" => ConvPreset,
        "cluster" => ClusterPreset,
        "vae" => VaePreset,
        _ => throw new ArgumentException($"unknown preset '{name}': expected {string.Join(", ", PresetNames)}", nameof(name)),
    };

    /// <summary>Largest batch: a step holds three batch-sized buffers, which must stay far below memory.</summary>
    public const int MaxBatchSize = 1 << 16;

    /// <summary>Most threads (shards) a run may use.</summary>
    public const int MaxThreads = 256;

    /// <summary>Checks every setting is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public TrainingConfig Validate()
    {
        Model.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, "epochs");
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, "batch-size");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, MaxBatchSize, "batch-size");
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, "threads");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Threads, MaxThreads, "threads");
        if (Patience is < 1) throw new ArgumentOutOfRangeException("early-stopping", Patience, "expected a patience of at least 1 epoch");
        if (Subset is < 1) throw new ArgumentOutOfRangeException("subset", Subset, "expected at least 1 row");
        if (!Enum.IsDefined(Path)) throw new ArgumentOutOfRangeException("training-path", Path, "expected auto, fused or autograd");
        if (NormalClass is < 0) throw new ArgumentOutOfRangeException("normal-class", NormalClass, "expected a label ≥ 0");
        if (!Enum.IsDefined(Score)) throw new ArgumentOutOfRangeException("score", Score, "expected mse, bce or structural");
        ThresholdRule.Parse(Threshold);
        if (Scaling != "auto") ScalingRule.Parse(Scaling);
        DataOptions.Validate();
        if (Loss is { } loss && !Enum.IsDefined(loss)) throw new ArgumentOutOfRangeException("loss", Loss, "expected bce or mse");
        if (!Enum.IsDefined(Objective)) throw new ArgumentOutOfRangeException("objective", Objective, "expected reconstruction, umap, umapreconstruction or vae");
        if ((Objective == TrainingObjective.Vae) != Model.Variational)
            throw new ArgumentOutOfRangeException("objective", Objective, Model.Variational
                ? "expected the vae objective for a variational model (its encoder has a log-variance head)"
                : "expected a variational model for the vae objective: the vae preset, or --objective vae on another");
        if (Beta is { } beta && (Objective != TrainingObjective.Vae || !(beta > 0 && double.IsFinite(beta))))
            throw new ArgumentOutOfRangeException("beta", Beta, Objective != TrainingObjective.Vae ? "expected --objective vae, whose KL term it weights" : "expected a finite value > 0");
        if (Noise is not null)
        {
            NoiseRule noise = NoiseRule.Parse(Noise);
            if (IsUmap) throw new ArgumentOutOfRangeException("noise", Noise, $"expected a reconstruction or vae objective, found {Objective.ToString().ToLowerInvariant()}");
            if (noise.Kind == "salt-pepper" && Loss == ReconstructionLoss.Mse)
                throw new ArgumentOutOfRangeException("noise", Noise, "salt-pepper sets values to 0 or 1: expected values in [0, 1] (loss bce), found loss mse");
        }
        if (ActivityL1 is { } l1 && (!(l1 >= 0 && double.IsFinite(l1)) || Objective != TrainingObjective.Reconstruction))
            throw new ArgumentOutOfRangeException("activity-l1", ActivityL1, Objective != TrainingObjective.Reconstruction
                ? $"expected the reconstruction objective (a sparse autoencoder), found {Objective.ToString().ToLowerInvariant()}" : "expected a finite value ≥ 0");
        UmapSettings.Validate();
        if (UmapSettings.GraphEncoder is not null && !IsUmap)
            throw new ArgumentOutOfRangeException("graph-encoder", UmapSettings.GraphEncoder, "expected a UMAP objective (--objective umap or umapreconstruction), which builds a neighbour graph");
        if (UmapSettings.FitTestRows && (!IsUmap || NormalClass is not null))
            throw new ArgumentOutOfRangeException("fit-test-rows", true, NormalClass is not null
                ? $"expected no --normal-class: a one-class run trains on one label's rows, which reading the test rows would mix; found --normal-class {NormalClass}"
                : $"expected a UMAP objective (--objective umap or umapreconstruction), whose loss reads no test row; found {Objective.ToString().ToLowerInvariant()}, whose held-out loss is measured on them");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate)))
            throw new ArgumentOutOfRangeException("learning-rate", LearningRate, "expected a finite value > 0");
        return this;
    }
}
