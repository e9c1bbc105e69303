using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// A managed, vectorised executor for small graphs that are a chain of <c>Gemm</c> layers and element-wise
/// activations (what the AutoEncoder exporter writes), as <see cref="DenseStackCompiler"/> compiles them. For such graphs the fixed cost of an ONNX Runtime
/// call is many times the arithmetic (a 784→2 encoder is 1,568 multiply-adds), so they run here; any other
/// graph, or a larger one, runs in ONNX Runtime. The same kernel serves one row or many, so a row's result
/// does not depend on the batch it came in. Every method on the row path is compiled optimised from its
/// first call (AggressiveOptimization): left to tiering, a loop-heavy method can run as unoptimised code
/// for seconds, three times slower. The row loop is also never inlined, so that it always runs as this code
/// whatever a caller's profile-guided tier-1 compilation does: inlined that way, the input scan once ran
/// three times slower (see <see cref="InputGuard.AllFinite"/>).
/// </summary>
internal sealed class DenseStack
{
    /// <summary>Largest total of multiply-adds per row run here; beyond it ONNX Runtime's blocked kernels win.</summary>
    public const long MaxMultiplyAdds = 1 << 16;

    /// <summary>
    /// Least work per thread for a batch to be split: below it, waking another thread costs more than it
    /// saves. Measured on 2 cores with the seed encoder (1,568 multiply-adds a row), one thread against a
    /// split: 64 rows 5.2 against 4.7 µs, 128 rows 10.9 against 7.3 µs, 1,024 rows 90 against 48 µs; so
    /// the split starts near 84 rows of that encoder (2 × 65,536 multiply-adds).
    /// </summary>
    private const long MinMultiplyAddsPerThread = 1 << 16;

    private readonly DenseLayer[] layers;
    private readonly InputScaling? scaling;
    private readonly int widest;
    private readonly long multiplyAddsPerRow;
    private readonly int threads;

    /// <summary>A kernel over compiled <paramref name="layers"/> (<see cref="DenseStackCompiler"/>), after the optional <paramref name="scaling"/>.</summary>
    internal DenseStack(DenseLayer[] layers, InputScaling? scaling, int? threads)
    {
        this.layers = layers;
        this.scaling = scaling;
        this.threads = threads ?? Environment.ProcessorCount;
        widest = layers.Max(l => l.Outputs);
        multiplyAddsPerRow = layers.Sum(l => (long)l.Inputs * l.Outputs);
    }

    /// <summary>
    /// Computes one row without allocating; false when the row holds a NaN or infinite value (then
    /// <paramref name="output"/> is unspecified).
    /// </summary>
    public bool TryRunRow(ReadOnlySpan<float> input, Span<float> output) => RunRows(input, output, 1);

    /// <summary>
    /// Computes <paramref name="rows"/> rows, splitting large batches across threads; false when a row holds
    /// a NaN or infinite value (then <paramref name="output"/> is unspecified).
    /// </summary>
    public bool TryRun(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int parts = (int)Math.Min(threads, rows * multiplyAddsPerRow / MinMultiplyAddsPerThread);
        return parts <= 1 ? RunRows(input, output, rows) : RunParallel(input, output, rows, parts);
    }

    // Apart from TryRun so that the closure is allocated only when the batch is split: one contiguous
    // share of the rows per thread.
    private unsafe bool RunParallel(ReadOnlySpan<float> input, Span<float> output, int rows, int parts)
    {
        int inWidth = layers[0].Inputs, outWidth = layers[^1].Outputs;
        fixed (float* source = input)
        fixed (float* destination = output)
        {
            nint from = (nint)source, to = (nint)destination;
            // parts ≤ threads, so no more threads than allowed ever run.
            return Parallel.For(0, parts, (p, loop) =>
            {
                int first = (int)((long)rows * p / parts), count = (int)((long)rows * (p + 1) / parts) - first;
                var rowsIn = new ReadOnlySpan<float>((float*)from + (long)first * inWidth, count * inWidth);
                var rowsOut = new Span<float>((float*)to + (long)first * outWidth, count * outWidth);
                if (!RunRows(rowsIn, rowsOut, count)) loop.Stop();
            }).IsCompleted;
        }
    }

    // Each row is checked for NaN and infinity just before it is computed, while it is in cache, so
    // validation costs no second pass over memory.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private bool RunRows(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int inWidth = layers[0].Inputs, outWidth = layers[^1].Outputs;
        Span<float> scratch = widest <= 2048 ? stackalloc float[2 * widest] : new float[2 * widest];
        Span<float> scaled = scaling is null ? default : inWidth <= 2048 ? stackalloc float[inWidth] : new float[inWidth];
        for (int r = 0; r < rows; r++)
        {
            scoped ReadOnlySpan<float> x = input.Slice(r * inWidth, inWidth);
            if (!InputGuard.AllFinite(x)) return false;
            if (scaling is not null)
            {
                scaling.Apply(x, scaled);
                x = scaled;
            }
            for (int l = 0; l < layers.Length; l++)
            {
                DenseLayer layer = layers[l];
                Span<float> y = l == layers.Length - 1
                    ? output.Slice(r * outWidth, outWidth)
                    : scratch.Slice(l % 2 * widest, layer.Outputs);
                Forward(layer, x, y);
                x = y;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y)
    {
        if (layer.ByOutput)
        {
            int inputs = layer.Inputs, o = 0;
            for (; o + 1 < layer.Outputs; o += 2)
            {
                (float first, float second) = Dot2(x, layer.Weights.AsSpan(o * inputs, inputs), layer.Weights.AsSpan((o + 1) * inputs, inputs));
                y[o] = layer.Bias[o] + first;
                y[o + 1] = layer.Bias[o + 1] + second;
            }
            if (o < layer.Outputs) y[o] = layer.Bias[o] + Dot2(x, layer.Weights.AsSpan(o * inputs, inputs), layer.Weights.AsSpan(o * inputs, inputs)).First;
        }
        else
        {
            layer.Bias.CopyTo(y);
            for (int i = 0; i < layer.Inputs; i++)
                if (x[i] != 0) Axpy(x[i], layer.Weights.AsSpan(i * layer.Outputs, layer.Outputs), y);
        }
        foreach ((DenseFunction kind, float alpha) in layer.Activations) Activate(kind, alpha, y);
    }

    /// <summary>
    /// Two dot products of <paramref name="x"/> in one pass: each x vector is loaded once, and eight
    /// independent accumulators keep the adds from waiting on each other (one chain per output would
    /// make the loop latency-bound, at half the speed).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float First, float Second) Dot2(ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1)
    {
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        ReadOnlySpan<Vector<float>> v0 = MemoryMarshal.Cast<float, Vector<float>>(w0), v1 = MemoryMarshal.Cast<float, Vector<float>>(w1);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        int v = 0;
        for (; v + 3 < vx.Length; v += 4)
        {
            a0 += vx[v] * v0[v]; b0 += vx[v] * v1[v];
            a1 += vx[v + 1] * v0[v + 1]; b1 += vx[v + 1] * v1[v + 1];
            a2 += vx[v + 2] * v0[v + 2]; b2 += vx[v + 2] * v1[v + 2];
            a3 += vx[v + 3] * v0[v + 3]; b3 += vx[v + 3] * v1[v + 3];
        }
        for (; v < vx.Length; v++)
        {
            a0 += vx[v] * v0[v];
            b0 += vx[v] * v1[v];
        }
        float first = Vector.Sum((a0 + a1) + (a2 + a3)), second = Vector.Sum((b0 + b1) + (b2 + b3));
        for (int i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            first += x[i] * w0[i];
            second += x[i] * w1[i];
        }
        return (first, second);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        Span<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var va = new Vector<float>(a);
        for (int v = 0; v < vy.Length; v++) vy[v] += va * vx[v];
        for (int i = vy.Length * Vector<float>.Count; i < y.Length; i++) y[i] += a * x[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Activate(DenseFunction kind, float alpha, Span<float> y)
    {
        // One loop per function rather than a switch per element: the sigmoid that ends every decoder runs
        // over 784 values a row, and as a scalar loop was most of the full model's time (BENCHMARKS.md).
        switch (kind)
        {
            case DenseFunction.Relu:
                Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(y);
                for (int v = 0; v < vectors.Length; v++) vectors[v] = Vector.Max(vectors[v], Vector<float>.Zero);
                for (int i = vectors.Length * Vector<float>.Count; i < y.Length; i++) y[i] = MathF.Max(y[i], 0);
                break;
            case DenseFunction.LeakyRelu:
                for (int i = 0; i < y.Length; i++) y[i] = y[i] >= 0 ? y[i] : alpha * y[i];
                break;
            case DenseFunction.Tanh:
                for (int i = 0; i < y.Length; i++) y[i] = MathF.Tanh(y[i]);
                break;
            case DenseFunction.Sigmoid:
                VectorMath.Sigmoid(y);
                break;
        }
    }


}
