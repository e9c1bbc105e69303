using System.Diagnostics;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Bench;

/// <summary>The machine's practical float32 matrix-multiply rate through libtorch, the ceiling for training.</summary>
internal static class MatmulPeak
{
    /// <summary>Best GFLOP/s of an n×n by n×n <c>mm</c> over a few repetitions, with <paramref name="threads"/> threads.</summary>
    public static double Measure(int threads, int n = 2048, int repetitions = 5)
    {
        set_num_threads(threads);
        using Tensor a = rand(n, n), b = rand(n, n);
        using (mm(a, b)) { } // warm-up: thread pool, page faults
        double best = double.MaxValue;
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            using (mm(a, b)) { }
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
