namespace AutoEncoder.Inference.Internal;

/// <summary>The element-wise functions <see cref="DenseStack"/> applies after a layer.</summary>
internal enum DenseFunction { None, Relu, LeakyRelu, Tanh, Sigmoid }

/// <summary>
/// A dense layer: y = x·Wᵀ + b, then activations. Weights are kept in the layout the loop reads:
/// rows of W for few outputs (one dot product each), columns of W for many (one axpy per input).
/// </summary>
internal sealed record DenseLayer(int Inputs, int Outputs, float[] Weights, bool ByOutput, float[] Bias, List<(DenseFunction Kind, float Alpha)> Activations);
