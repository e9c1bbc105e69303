namespace AutoEncoder.Training.Config;

/// <summary>The non-linearity placed between hidden layers (never after the code layer).</summary>
internal enum Activation
{
    /// <summary>No activation: the network is linear, as in the seed.</summary>
    Linear,
    /// <summary>Rectified linear unit.</summary>
    Relu,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>Leaky rectified linear unit, slope 0.01 below zero (trained through autograd).</summary>
    LeakyRelu,
}
