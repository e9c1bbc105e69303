using System.Diagnostics;
using System.Text.Json;

namespace AutoEncoder.Training.Bench;

/// <summary>Runs pytorch_reference.py (beside this file, copied beside the app) with Debian's PyTorch, when it is installed.</summary>
internal static class PyTorchReference
{
    /// <summary>One timed loop of the reference.</summary>
    public sealed record Loop(double Seconds, double FinalTrainLoss, int Threads);

    /// <summary>The reference's figures.</summary>
    public sealed record Result(string Torch, Loop Seed, Loop DeepEpoch, Loop ConvEpoch);

    /// <summary>The figures, or null with the reason when PyTorch is not available.</summary>
    public static (Result? Result, string? Missing) Run(string script, string mnistFolder, string python = "/usr/bin/python3")
    {
        if (!File.Exists(python) || !File.Exists(script)) return (null, $"{python} or {script} not found");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(mnistFolder);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return (null, $"PyTorch reference failed ({error.Result.Trim().Split('\n')[^1]}); `make bench-tools` installs python3-torch and OpenBLAS");
        return (JsonSerializer.Deserialize<Result>(output, IO.Json.Options), null);
    }
}
