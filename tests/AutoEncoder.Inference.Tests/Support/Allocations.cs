namespace AutoEncoder.Inference.Tests.Support;

/// <summary>
/// The bytes a call allocates on the current thread, told apart from the runtime's own.
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> now and then counts a few kilobytes that the runtime allocated
/// on the thread during the window: one CI run of 2026-12-06 counted 6,672 bytes over 100 cluster assignments, which
/// count 0 in every other run, and dotnet/runtime's own test of the counter fails the same way (issues 13502 and
/// 63487: 5–10 KB too many). A call that allocates does so in every window and the runtime's stray bytes land in few,
/// so the least count over several windows is the call's own.
/// </summary>
internal static class Allocations
{
    private const int Windows = 5;

    /// <summary>
    /// The fewest bytes allocated on this thread by <paramref name="calls"/> calls of <paramref name="call"/>, over
    /// five windows. Warm the call (JIT, lazy state) before measuring it.
    /// </summary>
    public static long Fewest(Action call, int calls = 1)
    {
        long fewest = long.MaxValue;
        for (int window = 0; window < Windows; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < calls; i++) call();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return fewest;
    }
}
