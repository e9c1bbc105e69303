namespace AutoEncoder.Training.Bench;

/// <summary>Runs pytorch_reference.py (beside this file, copied beside the app) with Debian's PyTorch, when it is installed.</summary>
internal static class PyTorchReference
{
    /// <summary>One timed loop of the reference.</summary>
    public sealed record Loop(double Seconds, double FinalTrainLoss, int Threads);

    /// <summary>The reference's figures.</summary>
    public sealed record Result(string Torch, Loop Seed, Loop DeepEpoch, Loop ConvEpoch, Loop VaeEpochs);

    /// <summary>The figures, or null with the reason when PyTorch is not available.</summary>
    public static (Result? Result, string? Missing) Run(string script, string mnistFolder) =>
        PythonReference.Run<Result>(script, [mnistFolder], "`make bench-tools` installs python3-torch and OpenBLAS");
}
