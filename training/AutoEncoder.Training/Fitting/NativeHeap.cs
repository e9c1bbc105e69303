using System.Runtime.InteropServices;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// glibc hands every block over 128 KB to a fresh mmap and returns it on free, so each training step's
/// activations (256×512 floats and up) are page-faulted in anew; on a virtual machine that costs more
/// than the step's arithmetic. Raising the mmap and trim thresholds keeps freed blocks in the heap for
/// reuse, as jemalloc or tcmalloc would (PyTorch's own advice for CPU training).
/// </summary>
internal static partial class NativeHeap
{
    private const int MmapThresholdParameter = -3, TrimThresholdParameter = -1;
    private const int MaxMmapThreshold = 32 << 20; // glibc's ceiling on 64-bit systems

    private static int tuned;

    /// <summary>Applies the thresholds once per process; does nothing off glibc.</summary>
    public static void KeepLargeBlocks()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref tuned, 1) == 1) return;
        try
        {
            SetOption(MmapThresholdParameter, MaxMmapThreshold);
            SetOption(TrimThresholdParameter, 1 << 30);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Another C library (musl): nothing to tune, and nothing breaks.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int SetOption(int parameter, int value);
}
