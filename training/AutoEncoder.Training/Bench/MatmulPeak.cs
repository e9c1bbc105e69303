using System.Diagnostics;
using AutoEncoder.Training.Kernels;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Bench;

/// <summary>
/// The machine's float32 matrix-multiply rate, the ceiling for training, through both kernels the process
/// can reach: libtorch's <c>mm</c> (MKL, whose AVX2 kernels it takes on AMD processors) and ONNX Runtime's
/// Gemm (MLAS, which picks AVX-512 by the processor's features), on 1 and 2 threads.
/// </summary>
internal static class MatmulPeak
{
    /// <summary>Best GFLOP/s of each kernel on <paramref name="Threads"/> threads; <see cref="Best"/> is the machine's limit.</summary>
    public sealed record Rates(int Threads, double Libtorch, double OnnxRuntime)
    {
        /// <summary>The faster kernel's rate: what a training loop can reach at most.</summary>
        public double Best => Math.Max(Libtorch, OnnxRuntime);

        /// <summary>Which kernel gave <see cref="Best"/>.</summary>
        public string BestKernel => OnnxRuntime >= Libtorch ? "ONNX Runtime's MLAS" : "libtorch's MKL";
    }

    /// <summary>Both kernels' best GFLOP/s for n×n by n×n products over <paramref name="repetitions"/> timings.</summary>
    public static Rates Measure(int threads, int n = 2048, int repetitions = 8) =>
        new(threads, Libtorch(threads, n, repetitions), OnnxRuntime(threads, n, repetitions));

    private static double Libtorch(int threads, int n, int repetitions)
    {
        set_num_threads(threads);
        using Tensor a = rand(n, n), b = rand(n, n);
        return Best(n, repetitions, () => { using (mm(a, b)) { } });
    }

    // As training runs it: each thread multiplies on its own, one-threaded (the shards of a batch);
    // the rate is the threads' products over the time of the slowest.
    private static double OnnxRuntime(int threads, int n, int repetitions)
    {
        using var gemm = new OrtGemm();
        Tensor[] a = [.. Enumerable.Range(0, threads).Select(_ => rand(n, n))], b = [.. Enumerable.Range(0, threads).Select(_ => rand(n, n))];
        Tensor[] c = [.. Enumerable.Range(0, threads).Select(_ => empty(n, n))];
        try
        {
            return threads * Best(n, repetitions, () => Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
                t => gemm.Multiply(a[t], b[t], c[t])));
        }
        finally
        {
            foreach (Tensor t in a.Concat(b).Concat(c)) t.Dispose();
        }
    }

    private static double Best(int n, int repetitions, Action multiply)
    {
        multiply(); // warm-up: thread pool, page faults, kernel selection
        double best = double.MaxValue;
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            multiply();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }
}
