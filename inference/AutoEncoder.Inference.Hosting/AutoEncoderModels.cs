namespace AutoEncoder.Inference.Hosting;

/// <summary>Which of AutoEncoder.Inference's models a host registers (combine with <c>|</c>, or "Encoder, Decoder" in configuration).</summary>
[Flags]
public enum AutoEncoderModels
{
    /// <summary><see cref="Inference.Encoder"/>, from <c>encoder.onnx</c>.</summary>
    Encoder = 1,

    /// <summary><see cref="Inference.Decoder"/>, from <c>decoder.onnx</c>.</summary>
    Decoder = 2,

    /// <summary><see cref="Inference.AnomalyDetector"/>, from the full model <c>autoencoder.onnx</c>.</summary>
    AnomalyDetector = 4,

    /// <summary>Encoder, decoder and anomaly detector (the default).</summary>
    All = Encoder | Decoder | AnomalyDetector,

    /// <summary><see cref="Inference.ClusterModel"/>, from <c>cluster.onnx</c> (written by <c>autoencoder cluster</c>; none is embedded, so it needs a model directory).</summary>
    ClusterModel = 8,
}
