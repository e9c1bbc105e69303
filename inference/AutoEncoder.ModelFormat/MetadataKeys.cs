namespace AutoEncoder.ModelFormat;

/// <summary>
/// The keys of an exported model's <c>metadata_props</c>: what the exporter writes and the inference
/// library reads. docs/models.md describes each.
/// </summary>
internal static class MetadataKeys
{
    /// <summary>The model's role: <see cref="RoleNames.Encoder"/>, <see cref="RoleNames.Decoder"/>, <see cref="RoleNames.Autoencoder"/> or <see cref="RoleNames.Cluster"/>.</summary>
    public const string Role = "role";

    /// <summary>Values per input row.</summary>
    public const string InputSize = "input_size";

    /// <summary>Width of the code.</summary>
    public const string LatentSize = "latent_size";

    /// <summary>Images only: <c>H,W</c> or <c>C,H,W</c>.</summary>
    public const string ImageShape = "image_shape";

    /// <summary>What a stored byte is divided by to become an input (255 for images, 1 for tables).</summary>
    public const string InputDivisor = "input_divisor";

    /// <summary>The scaling rule the graph begins with, as JSON.</summary>
    public const string InputScaling = "input_scaling";

    /// <summary>Decoder and full model: the space their outputs are in.</summary>
    public const string OutputSpace = "output_space";

    /// <summary>Models not trained on reconstruction alone: what their codes were trained for.</summary>
    public const string Objective = "objective";

    /// <summary>
    /// A generative model's prior over codes, which <c>Decoder.Sample</c> draws from: <see cref="StandardNormalPrior"/>
    /// for a variational autoencoder; absent for a plain one.
    /// </summary>
    public const string Prior = "prior";

    /// <summary>The value of <see cref="Prior"/> for N(0, I).</summary>
    public const string StandardNormalPrior = "standard_normal";

    /// <summary>The training configuration as JSON.</summary>
    public const string TrainingConfig = "training_config";

    /// <summary>SHA-256 of each data file trained on, as JSON.</summary>
    public const string DataSha256 = "data_sha256";

    /// <summary>The loss trained: <c>bce</c>, <c>mse</c> or <c>umap</c>.</summary>
    public const string Loss = "loss";

    /// <summary>Mean per-feature loss on the test rows.</summary>
    public const string TestLoss = "test_loss";

    /// <summary>The same, for BCE models, under its historical name.</summary>
    public const string TestBce = "test_bce";

    /// <summary>Max |ONNX Runtime − TorchSharp| at export.</summary>
    public const string ParityMaxAbsDiff = "parity_max_abs_diff";

    /// <summary>Rows the parity figure was measured on.</summary>
    public const string ParityRows = "parity_rows";

    /// <summary>Full model: how the anomaly score is computed (<see cref="ScoreNames"/>).</summary>
    public const string AnomalyScore = "anomaly_score";

    /// <summary>One-class models: scores above it are anomalies.</summary>
    public const string AnomalyThreshold = "anomaly_threshold";

    /// <summary>One-class models: the rule that chose the threshold.</summary>
    public const string AnomalyThresholdRule = "anomaly_threshold_rule";

    /// <summary>One-class models: the class trained on.</summary>
    public const string AnomalyNormalClass = "anomaly_normal_class";

    /// <summary>One-class models: held-out normal rows the threshold was calibrated on.</summary>
    public const string AnomalyCalibrationRows = "anomaly_calibration_rows";

    /// <summary>One-class models: quantiles of those rows' scores, as JSON.</summary>
    public const string AnomalyCalibrationQuantiles = "anomaly_calibration_quantiles";

    /// <summary>Cluster models: the number of clusters.</summary>
    public const string Clusters = "clusters";

    /// <summary>Cluster models: how the clusters were fitted (<c>kmeans</c> or <c>gmm</c>) and what the probabilities mean.</summary>
    public const string ClusterMethod = "cluster_method";

    /// <summary>Every key, in the order above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Role, InputSize, LatentSize, ImageShape, InputDivisor, InputScaling, OutputSpace, Objective, Prior, TrainingConfig, DataSha256, Loss,
        TestLoss, TestBce, ParityMaxAbsDiff, ParityRows, AnomalyScore, AnomalyThreshold, AnomalyThresholdRule,
        AnomalyNormalClass, AnomalyCalibrationRows, AnomalyCalibrationQuantiles, Clusters, ClusterMethod,
    ];
}
