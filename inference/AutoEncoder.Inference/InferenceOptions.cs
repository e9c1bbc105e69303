using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference;

/// <summary>
/// How a loaded model runs: which backend computes it, on how many threads, and how ONNX Runtime's
/// session is configured (execution providers, optimisation level, logging). Read once, at load.
/// </summary>
public sealed class InferenceOptions
{
    /// <summary>What computes the rows; <see cref="InferenceBackend.Auto"/> by default.</summary>
    public InferenceBackend Backend { get; set; } = InferenceBackend.Auto;

    /// <summary>
    /// Most threads one call may use. Null (the default): each ONNX Runtime run uses one thread, the best
    /// choice when many threads call at once, and a large batch is split over all cores on either backend
    /// (in ONNX Runtime, one share per core at once). A number N from 1 to <see cref="MaxIntraOpThreads"/>: at
    /// most N threads per call on either backend (ONNX Runtime's intra-op threads, one share per batch; only
    /// <see cref="AnomalyDetector.ScoreBatch(ReadOnlySpan{float}, Span{float})"/> runs N shares of a large batch
    /// side by side, whose runs share the session's N threads, measured faster than one run at a time).
    /// ONNX Runtime takes every share in runs of at most 256 rows, so a call's memory does not grow with its
    /// batch. Loading refuses any other number.
    /// </summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>
    /// The most <see cref="IntraOpThreads"/> a model may be loaded with: 1,024. ONNX Runtime starts every
    /// intra-op thread at load, each with its own stack, so 100,000 once hung while memory climbed past 3 GB.
    /// </summary>
    public const int MaxIntraOpThreads = 1024;

    /// <summary>
    /// <see cref="AnomalyDetector"/> only (other roles ignore it): flag scores above this instead of the
    /// threshold calibrated into the model, or give a threshold to a model that has none. Null (the
    /// default) keeps the model's own. Fixed at load, like every option, so a detector shared between
    /// threads never changes under them.
    /// </summary>
    public float? AnomalyThreshold { get; set; }

    /// <summary>
    /// Called with the ONNX Runtime session options after this library has set its own (threads, and a
    /// log level that keeps ONNX Runtime's messages off the host's stderr), before the session is created:
    /// append execution providers, change the graph optimisation level, or lower
    /// <see cref="SessionOptions.LogSeverityLevel"/> to see ONNX Runtime's log. Do not keep the options:
    /// they are disposed after the session is created. With <see cref="InferenceBackend.Auto"/>, setting
    /// this makes every call run in ONNX Runtime, so that what it configures takes effect.
    /// </summary>
    public Action<SessionOptions>? ConfigureSession { get; set; }
}
