namespace AutoEncoder.Inference;

/// <summary>What computes a model's rows. ONNX Runtime loads and validates every model whatever the choice.</summary>
public enum InferenceBackend
{
    /// <summary>
    /// The managed kernel for small chains of <c>Gemm</c> layers and element-wise activations (what the
    /// AutoEncoder exporter writes, up to 65,536 multiply-adds per row), where the fixed cost of an ONNX
    /// Runtime call would exceed the arithmetic, and for single rows of such chains up to 1,048,576
    /// multiply-adds (no blocked product pays off for one row; the chain's weights are then held twice);
    /// ONNX Runtime for everything else, and always when <see cref="InferenceOptions.ConfigureSession"/> is set.
    /// </summary>
    Auto,

    /// <summary>Every call runs in ONNX Runtime.</summary>
    OnnxRuntime,

    /// <summary>Every call runs in the managed kernel, whatever the model's size; a model it cannot run is refused at load.</summary>
    Managed,
}
