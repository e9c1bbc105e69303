using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AutoEncoder.ModelFormat;
using static AutoEncoder.Inference.Internal.VectorMath;

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

    /// <summary>Rows whose dot products with a layer's weights are computed together (<see cref="DotBlocks"/>).</summary>
    private const int BlockRows = 4;

    /// <summary>
    /// Most rows taken through the layers at once (<see cref="chunkRows"/>): a pass through the layers costs
    /// calls and slices whatever its rows, so more rows a pass spread it thinner. 1,024 rows of the seed encoder
    /// on two threads took 32.7–33.7 µs in chunks of 32 rows against 36.6–37.6 µs a block of four rows at a time
    /// (medians, a Stopwatch harness, the two builds alternated three times, 2026-12-06).
    /// </summary>
    private const int MaxChunkRows = 32;

    /// <summary>Most floats a chunk's scratch (or its scaled copy of the input) takes, so that it stays on the stack and in the first-level cache.</summary>
    private const int MaxChunkFloats = 4096;

    private readonly DenseLayer[] layers;
    private readonly InputScaling? scaling;
    private readonly int widest;
    private readonly int chunkRows;
    private readonly long multiplyAddsPerRow;
    private readonly int threads;

    /// <summary>A kernel over compiled <paramref name="layers"/> (<see cref="DenseStackCompiler"/>), after the optional <paramref name="scaling"/>.</summary>
    internal DenseStack(DenseLayer[] layers, InputScaling? scaling, int? threads)
    {
        this.layers = layers;
        this.scaling = scaling;
        this.threads = threads ?? Environment.ProcessorCount;
        widest = layers.Max(l => l.Outputs);
        int widestRow = scaling is null ? widest : Math.Max(widest, layers[0].Inputs);
        chunkRows = Math.Clamp(MaxChunkFloats / widestRow / BlockRows * BlockRows, BlockRows, MaxChunkRows);
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

    // Rows go through the layers a chunk at a time, each layer over the whole chunk: a layer stored by output
    // loads each weight vector once for four rows (see DotBlocks). The rows are checked for NaN and infinity
    // through the first layer's sums (FirstSumsFinite) rather than by a pass of their own. Every scratch value
    // is written before it is read, so the stack space is not zeroed first.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private bool RunRows(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int inWidth = layers[0].Inputs, outWidth = layers[^1].Outputs, chunk = Math.Min(chunkRows, rows);
        int scratchLength = 2 * chunk * widest, scaledLength = scaling is null ? 0 : chunk * inWidth;
        Span<float> scratch = scratchLength <= 2 * MaxChunkFloats ? stackalloc float[scratchLength] : new float[scratchLength];
        Span<float> scaled = scaledLength <= MaxChunkFloats ? stackalloc float[scaledLength] : new float[scaledLength];
        for (int r = 0; r < rows; r += chunk)
        {
            int count = Math.Min(chunk, rows - r);
            ReadOnlySpan<float> given = input.Slice(r * inWidth, count * inWidth);
            // The caller's rows from this chunk's first to the first block after it: the first layer asks for
            // each block's successor while it computes the block.
            ReadOnlySpan<float> stream = input.Slice(r * inWidth, Math.Min(count + BlockRows, rows - r) * inWidth);
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
                    : scratch.Slice(l % 2 * chunk * widest, count * layer.Outputs);
                Multiply(layer, x, y, count, l == 0 ? stream : default);
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

    /// <summary>
    /// One layer's sums, before its activations, over <paramref name="count"/> rows laid end to end in
    /// <paramref name="x"/> and <paramref name="y"/>. <paramref name="stream"/>, for the first layer, holds the
    /// caller's rows from the first of x's to at least one block past them, so that each block can ask for the
    /// next one's (empty for the other layers).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y, int count, ReadOnlySpan<float> stream)
    {
        int inputs = layer.Inputs, outputs = layer.Outputs, pairs = outputs / 2 * 2, blocked = count - count % BlockRows;
        if (layer.ByOutput)
        {
            if (blocked > 0) DotBlocks(layer, x, y, blocked / BlockRows, stream);
            for (int i = blocked; i < count; i++)
                for (int o = 0; o < pairs; o += 2)
                {
                    (float first, float second) = Dot2(x.Slice(i * inputs, inputs), layer.Weights.AsSpan(o * inputs, inputs), layer.Weights.AsSpan((o + 1) * inputs, inputs));
                    y[i * outputs + o] = layer.Bias[o] + first;
                    y[i * outputs + o + 1] = layer.Bias[o + 1] + second;
                }
            if (pairs < outputs)
            {
                ReadOnlySpan<float> w = layer.Weights.AsSpan(pairs * inputs, inputs);
                for (int i = 0; i < count; i++) y[i * outputs + pairs] = layer.Bias[pairs] + Dot2(x.Slice(i * inputs, inputs), w, w).First;
            }
        }
        else if (inputs <= MaxRegisterBlockedInputs)
        {
            // The layer's weights (at most 16 rows) stay in cache, where 512-bit lanes pay; the wide layers' weights
            // and the caller's rows stream from memory, where they measured no gain or a loss (Axpy, DotBlocks).
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
    /// Two dot products of <paramref name="x"/> in one pass by fused multiply-adds, each over two accumulators
    /// (even and odd vectors) so that they do not wait on each other. <see cref="DotBlocks"/> sums in exactly
    /// this order, so a row's result does not depend on the batch it came in.
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
            a0 = MultiplyAdd(vx[v], v0[v], a0); b0 = MultiplyAdd(vx[v], v1[v], b0);
            a1 = MultiplyAdd(vx[v + 1], v0[v + 1], a1); b1 = MultiplyAdd(vx[v + 1], v1[v + 1], b1);
        }
        if (v < vx.Length)
        {
            a0 = MultiplyAdd(vx[v], v0[v], a0);
            b0 = MultiplyAdd(vx[v], v1[v], b0);
        }
        return (Finish(a0 + a1, x, w0, vx.Length), Finish(b0 + b1, x, w1, vx.Length));
    }

    /// <summary>
    /// <see cref="Dot2"/> for <paramref name="blocks"/> blocks of <see cref="BlockRows"/> rows, every pair of the layer's
    /// outputs, written with the bias into <paramref name="y"/>: each weight vector is loaded once for four rows,
    /// which took 1,024 rows of the seed encoder from 2.3× a read pass of them to 1.34× (BENCHMARKS.md, 2026-12-04).
    /// While a block's first pair is computed, each step also asks for as many floats of the next block (from
    /// <paramref name="stream"/>, the caller's rows) as it reads of this one: the four rows are four short
    /// streams, which the processor's own prefetcher followed poorly. 1,024 rows on one thread took 50.0–51.6 µs
    /// this way against 54.0–55.1 µs without (medians, a Stopwatch harness, the two builds alternated,
    /// 2026-12-06); 10,000 rows, which come from memory rather than the caches, gain most (BENCHMARKS.md,
    /// 2026-12-06 night). The blocks are looped here, not a call each (which set up the pointers, the checks and
    /// the next block's span every four rows): 1,024 rows on two threads went from 1.34–1.47× a read pass to
    /// 1.27–1.38× (means of 35.8–39.2 against 33.6–36.1 µs), 10,000 rows from 1.36× to 1.31× (both builds loaded
    /// into one process and alternated, 2026-12-07).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void DotBlocks(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y, int blocks, ReadOnlySpan<float> stream)
    {
        // Pointers rather than spans: the lengths are checked once here instead of at each of a step's twelve loads.
        int inputs = layer.Inputs, outputs = layer.Outputs, full = inputs / Vector<float>.Count, width = Vector<float>.Count;
        int blockInputs = BlockRows * inputs, blockOutputs = BlockRows * outputs;
        if (x.Length < blocks * blockInputs || y.Length < blocks * blockOutputs || layer.Weights.Length < outputs * inputs || layer.Bias.Length < outputs)
            throw new ArgumentException($"expected {blocks * blockInputs} inputs, {blocks * blockOutputs} outputs, {outputs * inputs} weights and {outputs} biases, found {x.Length}, {y.Length}, {layer.Weights.Length} and {layer.Bias.Length}");
        float[] bias = layer.Bias;
        // Each step asks for four lines of the next block, as many as it reads of this one on 256-bit vectors
        // (Vector<T>'s width wherever there is AVX2); on another width the next block is asked for faster or
        // slower than this one is read, which changes only when its lines arrive. No line past stream is asked for.
        const int FloatsPerLine = 16, FloatsPerStep = 4 * FloatsPerLine;
        fixed (float* rows = x, weights = layer.Weights, streamed = stream)
        {
            for (int block = 0; block < blocks; block++)
            {
                float* x0 = rows + block * blockInputs, x1 = x0 + inputs, x2 = x1 + inputs, x3 = x2 + inputs;
                float* next = streamed + (block + 1) * blockInputs;
                int nextFloats = Sse.IsSupported ? Math.Clamp(stream.Length - (block + 1) * blockInputs, 0, blockInputs) : 0;
                Span<float> sums = y.Slice(block * blockOutputs, blockOutputs);
                for (int o = 0; o + 1 < outputs; o += 2)
                {
                    float* v0 = weights + o * inputs, v1 = v0 + inputs;
                    // Row i, output j, even and odd vectors: a{i}{j}e, a{i}{j}o — sixteen accumulators.
                    Vector<float> a00e = default, a00o = default, a01e = default, a01o = default, a10e = default, a10o = default, a11e = default, a11o = default;
                    Vector<float> a20e = default, a20o = default, a21e = default, a21o = default, a30e = default, a30o = default, a31e = default, a31o = default;
                    // The lines of the next block still to ask for: [ask, askEnd).
                    float* ask = next, askEnd = o == 0 ? next + nextFloats : next;
                    nint e = 0, pairEnd = (nint)(full / 2 * 2 * width);
                    for (; e < pairEnd; e += 2 * width)
                    {
                        if (ask + FloatsPerStep <= askEnd)
                        {
                            Sse.Prefetch0(ask);
                            Sse.Prefetch0(ask + FloatsPerLine);
                            Sse.Prefetch0(ask + 2 * FloatsPerLine);
                            Sse.Prefetch0(ask + 3 * FloatsPerLine);
                            ask += FloatsPerStep;
                        }
                        nint d = e + width;
                        Vector<float> p = Load(v0 + e), q = Load(v1 + e), pn = Load(v0 + d), qn = Load(v1 + d);
                        Vector<float> r0 = Load(x0 + e), r1 = Load(x1 + e), r2 = Load(x2 + e), r3 = Load(x3 + e);
                        Vector<float> s0 = Load(x0 + d), s1 = Load(x1 + d), s2 = Load(x2 + d), s3 = Load(x3 + d);
                        a00e = MultiplyAdd(r0, p, a00e); a01e = MultiplyAdd(r0, q, a01e); a00o = MultiplyAdd(s0, pn, a00o); a01o = MultiplyAdd(s0, qn, a01o);
                        a10e = MultiplyAdd(r1, p, a10e); a11e = MultiplyAdd(r1, q, a11e); a10o = MultiplyAdd(s1, pn, a10o); a11o = MultiplyAdd(s1, qn, a11o);
                        a20e = MultiplyAdd(r2, p, a20e); a21e = MultiplyAdd(r2, q, a21e); a20o = MultiplyAdd(s2, pn, a20o); a21o = MultiplyAdd(s2, qn, a21o);
                        a30e = MultiplyAdd(r3, p, a30e); a31e = MultiplyAdd(r3, q, a31e); a30o = MultiplyAdd(s3, pn, a30o); a31o = MultiplyAdd(s3, qn, a31o);
                    }
                    if (full % 2 == 1)
                    {
                        Vector<float> p = Load(v0 + e), q = Load(v1 + e);
                        a00e = MultiplyAdd(Load(x0 + e), p, a00e); a01e = MultiplyAdd(Load(x0 + e), q, a01e);
                        a10e = MultiplyAdd(Load(x1 + e), p, a10e); a11e = MultiplyAdd(Load(x1 + e), q, a11e);
                        a20e = MultiplyAdd(Load(x2 + e), p, a20e); a21e = MultiplyAdd(Load(x2 + e), q, a21e);
                        a30e = MultiplyAdd(Load(x3 + e), p, a30e); a31e = MultiplyAdd(Load(x3 + e), q, a31e);
                    }
                    ReadOnlySpan<float> w0 = new(v0, inputs), w1 = new(v1, inputs);
                    ReadOnlySpan<float> row0 = new(x0, inputs), row1 = new(x1, inputs), row2 = new(x2, inputs), row3 = new(x3, inputs);
                    sums[o] = bias[o] + Finish(a00e + a00o, row0, w0, full);
                    sums[o + 1] = bias[o + 1] + Finish(a01e + a01o, row0, w1, full);
                    sums[outputs + o] = bias[o] + Finish(a10e + a10o, row1, w0, full);
                    sums[outputs + o + 1] = bias[o + 1] + Finish(a11e + a11o, row1, w1, full);
                    sums[2 * outputs + o] = bias[o] + Finish(a20e + a20o, row2, w0, full);
                    sums[2 * outputs + o + 1] = bias[o + 1] + Finish(a21e + a21o, row2, w1, full);
                    sums[3 * outputs + o] = bias[o] + Finish(a30e + a30o, row3, w0, full);
                    sums[3 * outputs + o + 1] = bias[o + 1] + Finish(a31e + a31o, row3, w1, full);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector<float> Load(float* at) => Unsafe.ReadUnaligned<Vector<float>>(at);

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
