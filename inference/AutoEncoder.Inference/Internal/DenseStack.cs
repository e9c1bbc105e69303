using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    /// <summary>Largest total of multiply-adds per row for which batches run here under Auto; beyond it ONNX Runtime's blocked kernels win.</summary>
    public const long MaxMultiplyAdds = 1 << 16;

    /// <summary>
    /// Largest total of multiply-adds per row for which single rows run here under Auto. One row of the deep
    /// encoder (533,000) took 9.4 µs here against 23.9 µs in ONNX Runtime, and the 99,400 of the UMAP encoders
    /// 4.3 against 9.4 µs (BENCHMARKS.md, BackendLimitBenchmarks): no blocking pays off for one row, and the
    /// call's fixed cost is gone. Twice the largest size measured.
    /// </summary>
    public const long MaxRowMultiplyAdds = 1 << 20;

    /// <summary>
    /// Least work per thread for a batch to be split: below it, waking another thread costs more than it
    /// saves. Measured on 2 cores with the seed encoder (1,568 multiply-adds a row), one thread against a
    /// split: 64 rows 5.2 against 4.7 µs, 128 rows 10.9 against 7.3 µs, 1,024 rows 90 against 48 µs; so
    /// the split starts near 84 rows of that encoder (2 × 65,536 multiply-adds).
    /// </summary>
    private const long MinMultiplyAddsPerThread = 1 << 16;

    /// <summary>
    /// Widest input of a layer stored by input that <see cref="Accumulate"/> computes; wider ones add one input's
    /// weights to the whole output row at a time (<see cref="Axpy"/>), skipping inputs that are 0. Measured
    /// here (2 cores, one thread, single rows alternated with the previous code): the seed decoder's 2 → 784
    /// took 307 ns a row as axpys and 254 register-blocked, but the deep encoder's 784 → 512 over pixels
    /// (mostly 0) 7.0 µs as axpys and 13.8 µs register-blocked, which tests every input once per block.
    /// </summary>
    private const int MaxRegisterBlockedInputs = 16;

    /// <summary>Rows computed together, layer by layer (<see cref="DotBlock"/>).</summary>
    private const int BlockRows = 4;

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

    /// <summary>Multiply-adds per row, over every layer.</summary>
    public long MultiplyAddsPerRow => multiplyAddsPerRow;

    /// <summary>
    /// Computes one row without allocating; false when the row holds a NaN or infinite value (then
    /// <paramref name="output"/> is unspecified).
    /// </summary>
    public bool TryRunRow(ReadOnlySpan<float> input, Span<float> output) => RunRows(input, output, 1);

    /// <summary>
    /// Computes <paramref name="rows"/> rows, splitting large batches across threads when <paramref name="split"/>;
    /// false when a row holds a NaN or infinite value (then <paramref name="output"/> is unspecified).
    /// </summary>
    public bool TryRun(ReadOnlySpan<float> input, Span<float> output, int rows, bool split = true)
    {
        // A row is never split: a batch of fewer rows than threads takes one thread per row at the most.
        int parts = split ? (int)Math.Min(Math.Min(threads, rows), rows * multiplyAddsPerRow / MinMultiplyAddsPerThread) : 1;
        return parts <= 1 ? RunRows(input, output, rows) : RunParallel(input, output, rows, parts);
    }

    // Apart from TryRun so that the closure is allocated only when the batch is split: one share of the rows
    // per thread, the others stopped when one meets a bad row.
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
                (int first, int count) = RowShares.Of(rows, p, parts);
                var rowsIn = new ReadOnlySpan<float>((float*)from + (long)first * inWidth, count * inWidth);
                var rowsOut = new Span<float>((float*)to + (long)first * outWidth, count * outWidth);
                if (!RunRows(rowsIn, rowsOut, count)) loop.Stop();
            }).IsCompleted;
        }
    }

    // Rows go through the layers BlockRows at a time: a layer stored by output then loads each weight vector
    // once for four rows (see DotBlock). The rows are checked for NaN and infinity through the first layer's
    // sums (FirstSumsFinite) rather than by a pass of their own. Every scratch value is written before it is
    // read, so the stack space is not zeroed first.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private bool RunRows(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int inWidth = layers[0].Inputs, outWidth = layers[^1].Outputs, block = Math.Min(BlockRows, rows);
        int scratchLength = 2 * block * widest, scaledLength = scaling is null ? 0 : block * inWidth;
        Span<float> scratch = scratchLength <= 8192 ? stackalloc float[scratchLength] : new float[scratchLength];
        Span<float> scaled = scaledLength <= 4096 ? stackalloc float[scaledLength] : new float[scaledLength];
        for (int r = 0; r < rows; r += BlockRows)
        {
            int count = Math.Min(BlockRows, rows - r);
            ReadOnlySpan<float> given = input.Slice(r * inWidth, count * inWidth);
            scoped ReadOnlySpan<float> x = given;
            if (scaling is not null)
            {
                for (int i = 0; i < count; i++) scaling.Apply(x.Slice(i * inWidth, inWidth), scaled.Slice(i * inWidth, inWidth));
                x = scaled[..(count * inWidth)];
            }
            for (int l = 0; l < layers.Length; l++)
            {
                DenseLayer layer = layers[l];
                Span<float> y = l == layers.Length - 1
                    ? output.Slice(r * outWidth, count * outWidth)
                    : scratch.Slice(l % 2 * block * widest, count * layer.Outputs);
                Multiply(layer, x, y, count);
                if (l == 0 && !FirstSumsFinite(y, count, layer.Outputs) && !InputGuard.AllFinite(given)) return false;
                foreach ((DenseFunction kind, float alpha) in layer.Activations) Activate(kind, alpha, y);
                x = y;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether the first output of each of <paramref name="count"/> rows of a first layer's sums is finite, which
    /// is whether the rows were: every output of a layer adds a product with every input (the axpy path skips
    /// only inputs equal to 0, which NaN is not), and a NaN or an infinity in any input makes every such sum NaN
    /// or infinite, ∞·0 being NaN. A sum can also overflow from finite inputs, so a false here sends the caller
    /// to the rows themselves. This replaced a pass over each row before its layers: 1,024 rows of the seed
    /// encoder on two threads took 58–65 µs with that pass and 44 µs without (BenchmarkDotNet, the two builds
    /// alternated, 2026-12-06).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FirstSumsFinite(ReadOnlySpan<float> y, int count, int outputs)
    {
        float probe = 0;
        for (int i = 0; i < count; i++) probe += y[i * outputs] - y[i * outputs];
        return probe == 0;
    }

    /// <summary>One layer's sums, before its activations, over <paramref name="count"/> rows laid end to end in <paramref name="x"/> and <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y, int count)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs;
        if (layer.ByOutput)
        {
            int o = 0;
            for (; o + 1 < outputs; o += 2)
            {
                ReadOnlySpan<float> w0 = layer.Weights.AsSpan(o * inputs, inputs), w1 = layer.Weights.AsSpan((o + 1) * inputs, inputs);
                if (count == BlockRows) DotBlock(x, w0, w1, y, o, layer.Bias);
                else
                    for (int i = 0; i < count; i++)
                    {
                        (float first, float second) = Dot2(x.Slice(i * inputs, inputs), w0, w1);
                        y[i * outputs + o] = layer.Bias[o] + first;
                        y[i * outputs + o + 1] = layer.Bias[o + 1] + second;
                    }
            }
            if (o < outputs)
            {
                ReadOnlySpan<float> w = layer.Weights.AsSpan(o * inputs, inputs);
                for (int i = 0; i < count; i++) y[i * outputs + o] = layer.Bias[o] + Dot2(x.Slice(i * inputs, inputs), w, w).First;
            }
        }
        else if (inputs <= MaxRegisterBlockedInputs)
        {
            // The layer's weights (at most 16 rows) stay in cache, where 512-bit lanes pay; the wide layers' weights
            // and the caller's rows stream from memory, where they measured no gain or a loss (Axpy, DotBlock).
            for (int i = 0; i < count; i++)
                if (FloatLanes.Wide) Accumulate<WideLanes, Vector512<float>>(x.Slice(i * inputs, inputs), layer.Weights, layer.Bias, y.Slice(i * outputs, outputs));
                else Accumulate<PortableLanes, Vector<float>>(x.Slice(i * inputs, inputs), layer.Weights, layer.Bias, y.Slice(i * outputs, outputs));
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                Span<float> row = y.Slice(i * outputs, outputs);
                layer.Bias.CopyTo(row);
                for (int j = 0; j < inputs; j++)
                    if (x[i * inputs + j] != 0) Axpy(x[i * inputs + j], layer.Weights.AsSpan(j * outputs, outputs), row);
            }
        }
    }

    /// <summary>
    /// Two dot products of <paramref name="x"/> in one pass, each over two accumulators (even and odd
    /// vectors) so that the adds do not wait on each other. <see cref="DotBlock"/> sums in exactly this
    /// order, so a row's result does not depend on the batch it came in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float First, float Second) Dot2(ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1)
    {
        ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        ReadOnlySpan<Vector<float>> v0 = MemoryMarshal.Cast<float, Vector<float>>(w0), v1 = MemoryMarshal.Cast<float, Vector<float>>(w1);
        Vector<float> a0 = default, a1 = default, b0 = default, b1 = default;
        int v = 0;
        for (; v + 1 < vx.Length; v += 2)
        {
            a0 += vx[v] * v0[v]; b0 += vx[v] * v1[v];
            a1 += vx[v + 1] * v0[v + 1]; b1 += vx[v + 1] * v1[v + 1];
        }
        if (v < vx.Length)
        {
            a0 += vx[v] * v0[v];
            b0 += vx[v] * v1[v];
        }
        return (Finish(a0 + a1, x, w0, vx.Length), Finish(b0 + b1, x, w1, vx.Length));
    }

    /// <summary>
    /// <see cref="Dot2"/> for <see cref="BlockRows"/> rows at once, written with the bias into outputs
    /// <paramref name="o"/> and o + 1 of each row of <paramref name="y"/>: each weight vector is loaded once for
    /// four rows, which took 1,024 rows of the seed encoder from 2.3× a read pass of them to 1.34× (BENCHMARKS.md, 2026-12-04).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock(ReadOnlySpan<float> x, ReadOnlySpan<float> w0, ReadOnlySpan<float> w1, Span<float> y, int o, float[] bias)
    {
        int inputs = w0.Length, outputs = y.Length / BlockRows;
        ReadOnlySpan<Vector<float>> x0 = MemoryMarshal.Cast<float, Vector<float>>(x[..inputs]);
        ReadOnlySpan<Vector<float>> x1 = MemoryMarshal.Cast<float, Vector<float>>(x.Slice(inputs, inputs));
        ReadOnlySpan<Vector<float>> x2 = MemoryMarshal.Cast<float, Vector<float>>(x.Slice(2 * inputs, inputs));
        ReadOnlySpan<Vector<float>> x3 = MemoryMarshal.Cast<float, Vector<float>>(x.Slice(3 * inputs, inputs));
        ReadOnlySpan<Vector<float>> v0 = MemoryMarshal.Cast<float, Vector<float>>(w0), v1 = MemoryMarshal.Cast<float, Vector<float>>(w1);
        // Row i, output j, even and odd vectors: a{i}{j}e, a{i}{j}o — sixteen accumulators.
        Vector<float> a00e = default, a00o = default, a01e = default, a01o = default, a10e = default, a10o = default, a11e = default, a11o = default;
        Vector<float> a20e = default, a20o = default, a21e = default, a21o = default, a30e = default, a30o = default, a31e = default, a31o = default;
        int v = 0;
        for (; v + 1 < v0.Length; v += 2)
        {
            Vector<float> p = v0[v], q = v1[v], pn = v0[v + 1], qn = v1[v + 1];
            a00e += x0[v] * p; a01e += x0[v] * q; a00o += x0[v + 1] * pn; a01o += x0[v + 1] * qn;
            a10e += x1[v] * p; a11e += x1[v] * q; a10o += x1[v + 1] * pn; a11o += x1[v + 1] * qn;
            a20e += x2[v] * p; a21e += x2[v] * q; a20o += x2[v + 1] * pn; a21o += x2[v + 1] * qn;
            a30e += x3[v] * p; a31e += x3[v] * q; a30o += x3[v + 1] * pn; a31o += x3[v + 1] * qn;
        }
        if (v < v0.Length)
        {
            a00e += x0[v] * v0[v]; a01e += x0[v] * v1[v];
            a10e += x1[v] * v0[v]; a11e += x1[v] * v1[v];
            a20e += x2[v] * v0[v]; a21e += x2[v] * v1[v];
            a30e += x3[v] * v0[v]; a31e += x3[v] * v1[v];
        }
        int full = v0.Length;
        y[o] = bias[o] + Finish(a00e + a00o, x[..inputs], w0, full);
        y[o + 1] = bias[o + 1] + Finish(a01e + a01o, x[..inputs], w1, full);
        y[outputs + o] = bias[o] + Finish(a10e + a10o, x.Slice(inputs, inputs), w0, full);
        y[outputs + o + 1] = bias[o + 1] + Finish(a11e + a11o, x.Slice(inputs, inputs), w1, full);
        y[2 * outputs + o] = bias[o] + Finish(a20e + a20o, x.Slice(2 * inputs, inputs), w0, full);
        y[2 * outputs + o + 1] = bias[o + 1] + Finish(a21e + a21o, x.Slice(2 * inputs, inputs), w1, full);
        y[3 * outputs + o] = bias[o] + Finish(a30e + a30o, x.Slice(3 * inputs, inputs), w0, full);
        y[3 * outputs + o + 1] = bias[o + 1] + Finish(a31e + a31o, x.Slice(3 * inputs, inputs), w1, full);
    }

    /// <summary>The lanes of <paramref name="sum"/> added, then the products past the last whole vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(Vector<float> sum, ReadOnlySpan<float> x, ReadOnlySpan<float> w, int wholeVectors)
    {
        float total = Vector.Sum(sum);
        for (int i = wholeVectors * Vector<float>.Count; i < x.Length; i++) total += x[i] * w[i];
        return total;
    }

    /// <summary>
    /// y = bias + Σⱼ x[j]·W[j] for a narrow layer stored by input (row j of <paramref name="weights"/> holds input
    /// j's weights to every output): four vectors of outputs stay in registers over all the inputs, so y is
    /// written once instead of once per input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate<TLanes, TVector>(ReadOnlySpan<float> x, float[] weights, float[] bias, Span<float> y)
        where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        int outputs = y.Length, width = TLanes.Count;
        if (weights.Length < x.Length * outputs || bias.Length < outputs)
            throw new ArgumentException($"expected {x.Length * outputs} weights and {outputs} biases, found {weights.Length} and {bias.Length}");
        ref float w = ref MemoryMarshal.GetArrayDataReference(weights);
        ref float b = ref MemoryMarshal.GetArrayDataReference(bias);
        ref float target = ref MemoryMarshal.GetReference(y);
        nuint step = (nuint)width;
        int o = 0;
        for (; o + 4 * width <= outputs; o += 4 * width)
        {
            nuint at = (nuint)o;
            TVector y0 = TLanes.Load(ref b, at), y1 = TLanes.Load(ref b, at + step);
            TVector y2 = TLanes.Load(ref b, at + 2 * step), y3 = TLanes.Load(ref b, at + 3 * step);
            for (int j = 0; j < x.Length; j++)
            {
                TVector xj = TLanes.Create(x[j]);
                nuint row = (nuint)j * (nuint)outputs + at;
                y0 = TLanes.MultiplyAdd(xj, TLanes.Load(ref w, row), y0);
                y1 = TLanes.MultiplyAdd(xj, TLanes.Load(ref w, row + step), y1);
                y2 = TLanes.MultiplyAdd(xj, TLanes.Load(ref w, row + 2 * step), y2);
                y3 = TLanes.MultiplyAdd(xj, TLanes.Load(ref w, row + 3 * step), y3);
            }
            TLanes.Store(y0, ref target, at);
            TLanes.Store(y1, ref target, at + step);
            TLanes.Store(y2, ref target, at + 2 * step);
            TLanes.Store(y3, ref target, at + 3 * step);
        }
        for (; o + width <= outputs; o += width)
        {
            TVector sum = TLanes.Load(ref b, (nuint)o);
            for (int j = 0; j < x.Length; j++)
                sum = TLanes.MultiplyAdd(TLanes.Create(x[j]), TLanes.Load(ref w, (nuint)j * (nuint)outputs + (nuint)o), sum);
            TLanes.Store(sum, ref target, (nuint)o);
        }
        for (; o < outputs; o++)
        {
            float sum = bias[o];
            for (int j = 0; j < x.Length; j++) sum = MathF.FusedMultiplyAdd(x[j], weights[j * outputs + o], sum);
            y[o] = sum;
        }
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
