namespace AutoEncoder.Training.Config;

/// <summary>What training minimises between a row and its reconstruction (both in the scaled training space).</summary>
internal enum ReconstructionLoss
{
    /// <summary>Binary cross-entropy against a sigmoid output: for data scaled into [0, 1].</summary>
    Bce,

    /// <summary>Mean squared error against a linear output: for anything else.</summary>
    Mse,
}
