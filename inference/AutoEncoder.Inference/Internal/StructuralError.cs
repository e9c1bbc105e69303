using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The <see cref="AnomalyScore.Structural"/> score of an image row: the residual x − x̂ of each channel
/// blurred by a 5×5 binomial filter (zero beyond the border), squared, and averaged over the row, then
/// divided by √(mean |x| + <see cref="InkFloor"/>).
/// </summary>
/// <remarks>
/// Why both parts, measured on the one-class protocol (README, "Anomaly detection"): blurring keeps the
/// errors that form a missing or extra stroke and lets the pixel-scale jitter of any reconstruction cancel
/// (MNIST mean AUROC 0.968 → 0.976 in PyTorch for the anomaly preset's architecture); dividing by the
/// row's ink removes the advantage of faint images, whose squared errors are small whatever the model
/// learned (a model of 8s ranked 1s as normal, AUROC 0.43 against them). The square root was the best
/// power of the ink on Fashion-MNIST (0.9318, against 0.9298 undivided) and within 0.004 of the best (the
/// first power) on MNIST.
/// </remarks>
internal sealed class StructuralError
{
    /// <summary>Added to the mean |x| so that a blank row's score stays finite.</summary>
    public const float InkFloor = 1e-3f;

    private const int Radius = 2;
    private const float W0 = 1 / 16f, W1 = 4 / 16f, W2 = 6 / 16f;

    // The widest vector the score is computed in: where a plane is not a whole number of them, the last one
    // runs on over zeros (scratch margins, zero tap weights) rather than in a scalar loop.
    private const int MaxLanes = 16;

    private readonly int channels, height, width;

    // Whether a plane's whole blur runs in registers (BlurInRegisters): AVX-512, rows of 17 to 32 pixels.
    private readonly bool inRegisters;

    // The weight of each horizontal tap at each pixel of a plane (the taps 2 and 1 to the left, then 1 and 2
    // to the right; one plane each, rounded up to whole vectors), 0 where the tap falls beyond its row's end
    // and beyond the plane: the rows' blur then runs over the whole plane as one run of vectors. Correcting
    // each row's two first and two last pixels in scalar code afterwards, the score of a 28×28 row cost
    // 660–930 ns against 360–430 ns this way (one thread, runs alternated with the previous code, 2026-12-05).
    // Pinned and vector-aligned: every load of it a whole cache line.
    private readonly float[] tapStorage;
    private readonly int tapStart, tapPlane;

    private StructuralError(int channels, int height, int width)
    {
        this.channels = channels;
        this.height = height;
        this.width = width;
        inRegisters = FloatLanes.Wide && Avx512F.IsSupported && width > MaxLanes && width <= 2 * MaxLanes;
        int plane = height * width;
        tapPlane = RoundUp(plane);
        tapStorage = GC.AllocateArray<float>(4 * tapPlane + MaxLanes, pinned: true);
        tapStart = Misalignment(tapStorage);
        Span<float> taps = Taps;
        for (int i = 0; i < plane; i++)
        {
            int x = i % width;
            taps[i] = x >= 2 ? W0 : 0;
            taps[tapPlane + i] = x >= 1 ? W1 : 0;
            taps[2 * tapPlane + i] = x + 1 < width ? W1 : 0;
            taps[3 * tapPlane + i] = x + 2 < width ? W0 : 0;
        }
    }

    /// <summary>Floats of scratch space one score needs (none when a plane's blur runs in registers).</summary>
    public int ScratchLength => inRegisters ? 0 : MaxLanes + DifferencesLength + PaddedLength;

    private Span<float> Taps => tapStorage.AsSpan(tapStart, 4 * tapPlane);

    // A channel's residual with two vectors of zeros either side (what the portable rows' blur loads beyond
    // the plane), on lanes that cannot shift vectors in registers.
    private int DifferencesLength => tapPlane + 4 * MaxLanes;

    // The rows' blur of a channel with Radius zero rows above and below, and a vector's room after them for
    // the zeros its last vector writes beyond the plane.
    private int PaddedLength => (height + 2 * Radius) * width + MaxLanes;

    /// <summary>Reads the image shape from the model's <c>image_shape</c> metadata (<c>H,W</c> or <c>C,H,W</c>).</summary>
    /// <exception cref="InvalidDataException">No or a malformed <c>image_shape</c>, or one that does not hold <paramref name="inputSize"/> values.</exception>
    public static StructuralError FromMetadata(IReadOnlyDictionary<string, string> properties, int inputSize)
    {
        if (!properties.TryGetValue(MetadataKeys.ImageShape, out string? text))
            throw new InvalidDataException("expected metadata image_shape with anomaly_score 'structural' (a score for images), found none");
        (int channels, int height, int width) = ImageShapeText.Parse(text, inputSize);
        return new StructuralError(channels, height, width);
    }

    /// <summary>
    /// The score of <paramref name="row"/> against <paramref name="reconstruction"/>; each pixel's share
    /// (its blurred squared residual over the same divisor) goes to <paramref name="perFeature"/> unless it is empty.
    /// </summary>
    /// <remarks>
    /// Rows of 17 to 32 pixels on AVX-512 (28×28 images among them) are blurred in registers, in one pass
    /// (<see cref="BlurInRegisters"/>). Other planes take two passes through <paramref name="scratch"/>: the
    /// residual blurred along the rows (into a plane with zero rows above and below), then along the columns,
    /// squared and summed. On AVX-512 that first pass takes the residual's neighbours from the vectors before
    /// and after it in registers (<c>valignd</c>) instead of loading each one again: on this machine a 512-bit
    /// load that is not aligned spans two cache lines and costs about two aligned ones.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Score(ReadOnlySpan<float> row, ReadOnlySpan<float> reconstruction, Span<float> perFeature, Span<float> scratch)
    {
        int plane = height * width;
        float sum = 0, ink = 0;
        if (inRegisters)
        {
            for (int c = 0; c < channels; c++)
            {
                Span<float> squares = perFeature.IsEmpty ? default : perFeature.Slice(c * plane, plane);
                sum += BlurInRegisters(row.Slice(c * plane, plane), reconstruction.Slice(c * plane, plane), height, width, squares, out float channelInk);
                ink += channelInk;
            }
        }
        else
        {
            sum = BlurThroughScratch(row, reconstruction, perFeature, scratch, out ink);
        }
        float divisor = MathF.Sqrt(ink / row.Length + InkFloor);
        if (!perFeature.IsEmpty)
            foreach (ref float share in perFeature) share /= divisor;
        return sum / row.Length / divisor;
    }

    // Σ of the blurred residual's squares over every channel, each into perFeature unless it is empty; Σ |x| into ink.
    private float BlurThroughScratch(ReadOnlySpan<float> row, ReadOnlySpan<float> reconstruction, Span<float> perFeature, Span<float> scratch, out float ink)
    {
        int plane = height * width, rim = Radius * width;
        scratch = scratch[Misalignment(scratch)..];
        Span<float> differences = scratch[..DifferencesLength], padded = scratch.Slice(DifferencesLength, PaddedLength);
        padded[..rim].Clear();
        padded[(rim + plane)..].Clear();
        bool wide = FloatLanes.Wide && Avx512F.IsSupported;
        if (!wide)
        {
            differences[..(2 * MaxLanes)].Clear();
            differences[(2 * MaxLanes + plane)..].Clear();
        }
        float sum = 0;
        ink = 0;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> x = row.Slice(c * plane, plane), y = reconstruction.Slice(c * plane, plane);
            Span<float> squares = perFeature.IsEmpty ? default : perFeature.Slice(c * plane, plane);
            if (wide)
            {
                ink += SubtractAndBlurRows(x, y, Taps, tapPlane, padded[rim..]);
                sum += BlurColumnsAndSquare<WideLanes, Vector512<float>>(padded, plane, width, squares);
            }
            else
            {
                ink += Subtract<PortableLanes, Vector<float>>(x, y, differences.Slice(2 * MaxLanes, plane));
                BlurRows<PortableLanes, Vector<float>>(differences, Taps, tapPlane, padded[rim..], plane);
                sum += BlurColumnsAndSquare<PortableLanes, Vector<float>>(padded, plane, width, squares);
            }
        }
        return sum;
    }

    // Σ of the squares of the blurred x − y over one plane whose rows are 17 to 32 pixels wide; Σ |x| into ink;
    // each square into squares unless it is empty. No plane in memory: each row's residual sits in two vectors
    // (pixels 0–15, then the rest followed by zeros), is blurred along the row with its neighbours shifted in
    // from the other vector or from zeros (so no tap weights), and the columns' blur of a row takes the rows'
    // blurs of the five rows around it from a window kept in registers. The filter's integer weights (1 4 6 4 1)
    // make every blurred value 256 times the score's, divided out exactly (a power of two) at the end.
    // A copy of this method scored a 28×28 row in 116–119 ns against 205–220 ns for the two passes through memory,
    // its data in cache, and 135–137 against 376–379 ns streamed (10,000 distinct rows; one thread, alternated four
    // times in a throw-away harness, 2026-12-06; built into Score, 132–133 and 149–154 ns in the next run).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float BlurInRegisters(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int height, int width, Span<float> squares, out float ink)
    {
        int plane = height * width;
        // The one check that makes every unchecked load and store below stay inside the spans.
        if (width <= MaxLanes || width > 2 * MaxLanes || x.Length != plane || y.Length != plane || (!squares.IsEmpty && squares.Length != plane))
            throw new ArgumentException(
                $"expected rows of {MaxLanes + 1} to {2 * MaxLanes} pixels and {plane} floats of x, y and squares (or none), " +
                $"found rows of {width} and {x.Length}, {y.Length} and {squares.Length}");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float target = ref MemoryMarshal.GetReference(squares);
        // A row's second vector is loaded as its last 16 pixels (so never past the plane), of which the first
        // `overlap` are also in its first vector: moved down by that many lanes, zeros after the row's end.
        int rest = width - MaxLanes, overlap = MaxLanes - rest;
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<int> moveDown = Vector512.ConditionalSelect(Vector512.LessThan(lane, Vector512.Create(rest)), lane + Vector512.Create(overlap), Vector512.Create(MaxLanes));
        Vector512<float> notOverlap = Vector512.GreaterThanOrEqual(lane, Vector512.Create(overlap)).AsSingle();
        Vector512<float> inRow = Vector512.LessThan(lane, Vector512.Create(rest)).AsSingle();
        // For the squares: the row's last 16 pixels from the first vector's lanes and the second's.
        Vector512<int> moveUp = lane + Vector512.Create(rest);
        Vector512<float> four = Vector512.Create(4f), six = Vector512.Create(6f), zero = Vector512<float>.Zero;
        Vector512<float> scale = Vector512.Create(1 / 65536f);
        // The rows' blurs of the four rows before this one, first vectors (a) and second (b); zero above the plane.
        Vector512<float> a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
        Vector512<float> total = zero, magnitudes = zero;
        nuint last = (nuint)rest;
        for (int r = 0; r < height + Radius; r++)
        {
            Vector512<float> a4 = zero, b4 = zero;
            if (r < height)
            {
                nuint at = (nuint)(r * width);
                Vector512<float> first = Vector512.LoadUnsafe(ref xs, at), ending = Vector512.LoadUnsafe(ref xs, at + last);
                Vector512<float> d0 = first - Vector512.LoadUnsafe(ref ys, at);
                Vector512<float> d1 = Avx512F.PermuteVar16x32x2(ending - Vector512.LoadUnsafe(ref ys, at + last), moveDown, zero);
                magnitudes += Vector512.Abs(first) + (Vector512.Abs(ending) & notOverlap);
                a4 = VectorMath.MultiplyAdd(six, d0, VectorMath.MultiplyAdd(four, Shifted(zero, d0, 15) + Shifted(d0, d1, 1), Shifted(zero, d0, 14) + Shifted(d0, d1, 2)));
                b4 = VectorMath.MultiplyAdd(six, d1, VectorMath.MultiplyAdd(four, Shifted(d0, d1, 15) + Shifted(d1, zero, 1), Shifted(d0, d1, 14) + Shifted(d1, zero, 2)));
            }
            if (r >= Radius)
            {
                // Row r − 2; the second vector's lanes past the row's end hold its blur spilling over, cleared.
                Vector512<float> blurredA = VectorMath.MultiplyAdd(six, a2, VectorMath.MultiplyAdd(four, a1 + a3, a0 + a4));
                Vector512<float> blurredB = VectorMath.MultiplyAdd(six, b2, VectorMath.MultiplyAdd(four, b1 + b3, b0 + b4)) & inRow;
                total = VectorMath.MultiplyAdd(blurredA, blurredA, total);
                total = VectorMath.MultiplyAdd(blurredB, blurredB, total);
                if (!squares.IsEmpty)
                {
                    nuint at = (nuint)((r - Radius) * width);
                    Vector512<float> squaresA = blurredA * blurredA * scale;
                    squaresA.StoreUnsafe(ref target, at);
                    Avx512F.PermuteVar16x32x2(squaresA, moveUp, blurredB * blurredB * scale).StoreUnsafe(ref target, at + last);
                }
            }
            (a0, a1, a2, a3) = (a1, a2, a3, a4);
            (b0, b1, b2, b3) = (b1, b2, b3, b4);
        }
        ink = Vector512.Sum(magnitudes);
        return Vector512.Sum(total) / 65536;
    }

    private static int RoundUp(int count) => (count + MaxLanes - 1) / MaxLanes * MaxLanes;

    // Floats from the start of `floats` to the next vector boundary (its memory is pinned or on the stack, or
    // the worst a move can do is unalign it).
    private static unsafe int Misalignment(Span<float> floats) =>
        (int)(-(nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(floats)) & (MaxLanes * sizeof(float) - 1)) / sizeof(float);

    // rows[i] = the rows' blur of x − y at pixel i, for i over the plane rounded up to whole vectors (zero
    // beyond it); returns Σ |x|. Each vector's neighbours two and one to the left and right are shifted in from
    // the vectors before and after it, kept in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SubtractAndBlurRows(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> taps, int tapPlane, Span<float> rows)
    {
        int count = x.Length;
        // The one check that makes every unchecked load and store below stay inside the spans.
        if (y.Length != count || tapPlane < RoundUp(count) || taps.Length < 4 * tapPlane || rows.Length < RoundUp(count))
            throw new ArgumentException(
                $"expected {count} floats of y, a tap plane of at least {RoundUp(count)} floats, 4 such planes of taps and {RoundUp(count)} row floats, " +
                $"found {y.Length}, {tapPlane}, {taps.Length} and {rows.Length}");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        ref float t = ref MemoryMarshal.GetReference(taps);
        ref float target = ref MemoryMarshal.GetReference(rows);
        nuint stride = (nuint)tapPlane;
        // The plane's last, partial vector, read before the loop: a call inside it would leave no vector in a register.
        int whole = count / MaxLanes * MaxLanes;
        Vector512<float> tailPixels = default, tail = whole < count ? Tail(x, y, whole, out tailPixels) : default;
        Vector512<float> w2 = Vector512.Create(W2), previous = default, current, magnitudes;
        if (whole > 0)
        {
            Vector512<float> pixels = Vector512.LoadUnsafe(ref xs);
            current = pixels - Vector512.LoadUnsafe(ref ys);
            magnitudes = Vector512.Abs(pixels) + Vector512.Abs(tailPixels);
        }
        else
        {
            current = tail;
            magnitudes = Vector512.Abs(tailPixels);
        }
        for (int i = 0; i < count; i += MaxLanes)
        {
            nuint at = (nuint)i;
            int following = i + MaxLanes;
            Vector512<float> next = default;
            if (following < whole)
            {
                Vector512<float> pixels = Vector512.LoadUnsafe(ref xs, (nuint)following);
                next = pixels - Vector512.LoadUnsafe(ref ys, (nuint)following);
                magnitudes += Vector512.Abs(pixels);
            }
            else if (following == whole)
            {
                next = tail;
            }
            Vector512<float> blurred = Vector512.Multiply(w2, current);
            blurred = VectorMath.MultiplyAdd(Vector512.LoadUnsafe(ref t, at), Shifted(previous, current, 14), blurred);
            blurred = VectorMath.MultiplyAdd(Vector512.LoadUnsafe(ref t, stride + at), Shifted(previous, current, 15), blurred);
            blurred = VectorMath.MultiplyAdd(Vector512.LoadUnsafe(ref t, 2 * stride + at), Shifted(current, next, 1), blurred);
            blurred = VectorMath.MultiplyAdd(Vector512.LoadUnsafe(ref t, 3 * stride + at), Shifted(current, next, 2), blurred);
            blurred.StoreUnsafe(ref target, at);
            previous = current;
            current = next;
        }
        return Vector512.Sum(magnitudes);
    }

    // Lanes `shift` to 15 of a followed by lanes 0 to shift − 1 of b.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Shifted(Vector512<float> a, Vector512<float> b, [ConstantExpected(Min = 1, Max = 15)] byte shift) =>
        Avx512F.AlignRight32(b.AsInt32(), a.AsInt32(), shift).AsSingle();

    // x − y over the plane's last, partial vector from `start`, zeros beyond it (none read); its pixels too.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<float> Tail(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int start, out Vector512<float> pixels)
    {
        Span<float> padded = stackalloc float[2 * MaxLanes];
        padded.Clear();
        x[start..].CopyTo(padded);
        y[start..].CopyTo(padded[MaxLanes..]);
        pixels = Vector512.Create<float>(padded);
        return pixels - Vector512.Create<float>(padded[MaxLanes..]);
    }

    // difference = x − y; returns Σ |x|.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Subtract<TLanes, TVector>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> difference)
        where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        if (y.Length < x.Length || difference.Length < x.Length)
            throw new ArgumentException($"expected {x.Length} floats in each span, found {y.Length} and {difference.Length}");
        ref float rows = ref MemoryMarshal.GetReference(x);
        ref float reconstructions = ref MemoryMarshal.GetReference(y);
        ref float target = ref MemoryMarshal.GetReference(difference);
        TVector magnitudes = default;
        int i = 0;
        for (; i + TLanes.Count <= x.Length; i += TLanes.Count)
        {
            TVector row = TLanes.Load(ref rows, (nuint)i);
            TLanes.Store(TLanes.Subtract(row, TLanes.Load(ref reconstructions, (nuint)i)), ref target, (nuint)i);
            magnitudes = TLanes.Add(magnitudes, TLanes.Abs(row));
        }
        float sum = TLanes.Sum(magnitudes);
        for (; i < x.Length; i++)
        {
            difference[i] = x[i] - y[i];
            sum += MathF.Abs(x[i]);
        }
        return sum;
    }

    // rows[i] = the rows' blur of differences at pixel i (2·MaxLanes zeros before the plane's `count` floats and
    // after them), for i over the plane in whole vectors, each outer tap weighted by taps (0 beyond its row's
    // end and beyond the plane).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BlurRows<TLanes, TVector>(ReadOnlySpan<float> differences, ReadOnlySpan<float> taps, int tapPlane, Span<float> rows, int count)
        where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        int vectors = (count + TLanes.Count - 1) / TLanes.Count * TLanes.Count;
        if (differences.Length < 2 * MaxLanes + count + 2 * MaxLanes || tapPlane < vectors || taps.Length < 4 * tapPlane || rows.Length < vectors || TLanes.Count > MaxLanes)
            throw new ArgumentException(
                $"expected at most {MaxLanes} lanes, {4 * MaxLanes + count} difference floats, a tap plane of at least {vectors} floats, 4 such planes of taps " +
                $"and {vectors} row floats, found {TLanes.Count}, {differences.Length}, {tapPlane}, {taps.Length} and {rows.Length}");
        ref float d = ref MemoryMarshal.GetReference(differences);
        ref float t = ref MemoryMarshal.GetReference(taps);
        ref float target = ref MemoryMarshal.GetReference(rows);
        nuint stride = (nuint)tapPlane, origin = 2 * MaxLanes;
        TVector w2 = TLanes.Create(W2);
        for (int i = 0; i < vectors; i += TLanes.Count)
        {
            nuint at = (nuint)i, centre = origin + at;
            TVector blurred = TLanes.Multiply(w2, TLanes.Load(ref d, centre));
            blurred = TLanes.MultiplyAdd(TLanes.Load(ref t, at), TLanes.Load(ref d, centre - 2), blurred);
            blurred = TLanes.MultiplyAdd(TLanes.Load(ref t, stride + at), TLanes.Load(ref d, centre - 1), blurred);
            blurred = TLanes.MultiplyAdd(TLanes.Load(ref t, 2 * stride + at), TLanes.Load(ref d, centre + 1), blurred);
            blurred = TLanes.MultiplyAdd(TLanes.Load(ref t, 3 * stride + at), TLanes.Load(ref d, centre + 2), blurred);
            TLanes.Store(blurred, ref target, at);
        }
    }

    // The columns' blur of `rows` (the rows' blur of one plane of `count` floats after Radius zero rows, and
    // Radius zero rows after it), squared; returns Σ of the squares, each into squares unless it is empty.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float BlurColumnsAndSquare<TLanes, TVector>(ReadOnlySpan<float> rows, int count, int width, Span<float> squares)
        where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        if (rows.Length < count + 4 * width || (!squares.IsEmpty && squares.Length < count))
            throw new ArgumentException($"expected {count + 4 * width} row and {count} square floats, found {rows.Length} and {squares.Length}");
        ref float source = ref MemoryMarshal.GetReference(rows);
        ref float s = ref MemoryMarshal.GetReference(squares);
        nuint row = (nuint)width;
        TVector w0 = TLanes.Create(W0), w1 = TLanes.Create(W1), w2 = TLanes.Create(W2), total = default;
        int i = 0;
        for (; i + TLanes.Count <= count; i += TLanes.Count)
        {
            nuint at = (nuint)i;
            TVector outer = TLanes.Add(TLanes.Load(ref source, at), TLanes.Load(ref source, at + 4 * row));
            TVector inner = TLanes.Add(TLanes.Load(ref source, at + row), TLanes.Load(ref source, at + 3 * row));
            TVector blurred = TLanes.MultiplyAdd(w0, outer, TLanes.MultiplyAdd(w1, inner, TLanes.Multiply(w2, TLanes.Load(ref source, at + 2 * row))));
            total = TLanes.MultiplyAdd(blurred, blurred, total);
            if (!squares.IsEmpty) TLanes.Store(TLanes.Multiply(blurred, blurred), ref s, at);
        }
        float sum = TLanes.Sum(total);
        for (; i < count; i++)
        {
            float blurred = W0 * (rows[i] + rows[i + 4 * width]) + W1 * (rows[i + width] + rows[i + 3 * width]) + W2 * rows[i + 2 * width];
            sum += blurred * blurred;
            if (!squares.IsEmpty) squares[i] = blurred * blurred;
        }
        return sum;
    }
}
