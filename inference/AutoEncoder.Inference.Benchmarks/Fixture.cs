using System.Numerics;
using System.Runtime.InteropServices;
using AutoEncoder.Training.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoEncoder.Inference.Benchmarks;

/// <summary>Real MNIST test images and the two ways of running the committed encoder.</summary>
internal static class Fixture
{
    /// <summary>The repository root (holding AutoEncoder.sln), found from the working directory upwards.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The first <paramref name="rows"/> MNIST test images as floats in [0, 1].</summary>
    public static float[] TestPixels(int rows)
    {
        byte[] images = IdxReader.Read(Path.Combine(Root, "data", "mnist", "t10k-images-idx3-ubyte"), 3).Data;
        return images.AsSpan(0, rows * 784).ToArray().Select(b => b / 255f).ToArray();
    }

    /// <summary>The 60,000 MNIST training images as bytes 0–255, row after row.</summary>
    public static byte[] TrainImages() => IdxReader.Read(Path.Combine(Root, "data", "mnist", "train-images-idx3-ubyte"), 3).Data;

    /// <summary>An ONNX Runtime session on a committed model (models/encoder.onnx by default) with the same threading as the library.</summary>
    public static InferenceSession Session(string file = "encoder.onnx") =>
        new(Path.Combine(Root, "models", file), new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });

    /// <summary>The straightforward ONNX Runtime call: NamedOnnxValue in, Run, ToArray out.</summary>
    public static float[] Naive(InferenceSession session, float[] rows, int count)
    {
        var input = new DenseTensor<float>(rows, [count, 784]);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run([NamedOnnxValue.CreateFromTensor("pixels", input)]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>
    /// Reads every float once (the memory bound of any encoder), into four sums so that no add waits for the
    /// one before. With one sum the pass was bound by the adds' latency rather than by memory: 1,024 rows on
    /// one thread took 57–61 µs against 37–39 µs with four (Stopwatch harness, 2026-12-06), which made every
    /// ratio to it look better than it was.
    /// </summary>
    public static float ReadPass(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<float> a = default, b = default, c = default, d = default;
        int v = 0;
        for (; v + 3 < vectors.Length; v += 4)
        {
            a += vectors[v];
            b += vectors[v + 1];
            c += vectors[v + 2];
            d += vectors[v + 3];
        }
        for (; v < vectors.Length; v++) a += vectors[v];
        return Vector.Sum((a + b) + (c + d));
    }

    /// <summary>
    /// The threads the managed kernel splits <paramref name="rows"/> rows of the seed encoder over: one per
    /// 65,536 multiply-adds (1,568 a row), at most one per core; the same rule as the kernel's, so that the
    /// read pass it is compared with reads on as many threads.
    /// </summary>
    public static int KernelThreads(int rows) => (int)Math.Clamp(rows * 1568L / (1 << 16), 1, Environment.ProcessorCount);

    /// <summary>Reads every float once, in <paramref name="threads"/> contiguous shares read at once.</summary>
    public static float ReadPass(float[] values, int threads) => threads == 1 ? ReadPass(values) : ReadPassSplit(values, threads);

    // Apart, so that the closure is allocated only when the pass is split.
    private static float ReadPassSplit(float[] values, int threads)
    {
        var sums = new float[threads];
        Parallel.For(0, threads, t =>
        {
            int rows = values.Length / 784, first = rows * t / threads, last = rows * (t + 1) / threads;
            sums[t] = ReadPass(values.AsSpan(first * 784, (last - first) * 784));
        });
        return sums.Sum();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoEncoder.sln"))) return dir.FullName;
        throw new InvalidOperationException("run from inside the repository");
    }
}
