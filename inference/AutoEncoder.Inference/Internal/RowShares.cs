using System.Runtime.ExceptionServices;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// A batch split into one contiguous share of its rows per thread, the way every batch here is split: the kernel's
/// layers, ONNX Runtime's runs, the anomaly scores, the cluster head, the index's blocks.
/// </summary>
internal static class RowShares
{
    /// <summary>The first row and the number of rows of share <paramref name="part"/> of <paramref name="parts"/> over <paramref name="rows"/> rows.</summary>
    public static (int First, int Count) Of(int rows, int part, int parts)
    {
        int first = (int)((long)rows * part / parts);
        return (first, (int)((long)rows * (part + 1) / parts) - first);
    }

    /// <summary>
    /// Runs <paramref name="share"/>(first row, row count) for each of <paramref name="parts"/> shares at once. When
    /// shares fail, the first share's exception is thrown, so an error names the batch's first bad row, as on one thread.
    /// </summary>
    public static void Run(int rows, int parts, Action<int, int> share)
    {
        var failures = new ExceptionDispatchInfo?[parts];
        Parallel.For(0, parts, p =>
        {
            (int first, int count) = Of(rows, p, parts);
            try
            {
                share(first, count);
            }
            catch (Exception e)
            {
                failures[p] = ExceptionDispatchInfo.Capture(e);
            }
        });
        foreach (ExceptionDispatchInfo? failure in failures) failure?.Throw();
    }
}
