namespace AutoEncoder.Training.Config;

/// <summary>How a training step computes gradients and applies Adam.</summary>
internal enum TrainingPath
{
    /// <summary>Fused where the network allows it (chains of Linear layers with ReLU, tanh or sigmoid), else autograd.</summary>
    Auto,

    /// <summary>Hand-written gradients and a one-pass Adam over flat buffers: the fast path for chains of Linear layers.</summary>
    Fused,

    /// <summary>libtorch's autograd and a one-pass Adam: any network the layer plan holds, split into one shard per thread unless it has batch normalisation or dropout.</summary>
    Autograd,
}
