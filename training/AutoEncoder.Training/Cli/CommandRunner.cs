using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Kernels;

namespace AutoEncoder.Training.Cli;

/// <summary>Turns the failures a user can cause into one line on stderr and exit code 1.</summary>
internal static class CommandRunner
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure the user can fix (bad data, bad flag, a network a path cannot train, divergence).</summary>
    public const int Failure = 1;

    /// <summary>Exit code after Ctrl+C, as shells report SIGINT (128 + 2).</summary>
    public const int Interrupted = 130;

    /// <summary>Runs <paramref name="action"/>, reporting expected failures as <c>error: …</c>.</summary>
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or NotSupportedException
                                      or TrainingDivergedException or UnauthorizedAccessException)
        {
            // Argument exceptions append "Parameter …"/"Actual value …" on new lines; keep one line.
            Console.Error.WriteLine($"error: {string.Join("; ", e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))}");
            return Failure;
        }
    }

    /// <summary>
    /// <see cref="Run"/> for a command that calls TorchSharp: its native libraries are loaded first, so that a
    /// library that cannot load is one line, not TorchSharp's trace, and freed tensors' memory is kept for reuse
    /// (<see cref="NativeHeap"/>) by every command, not only by training.
    /// </summary>
    public static int RunWithTorch(Func<int> action) => Run(() =>
    {
        TorchLibrary.Load();
        NativeHeap.KeepLargeBlocks();
        return action();
    });
}
