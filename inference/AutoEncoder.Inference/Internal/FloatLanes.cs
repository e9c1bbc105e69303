using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The float vector operations of the managed kernel's loops, over a vector type chosen once per call, so that
/// each loop is written once for both widths: <see cref="WideLanes"/> (512 bits) where the processor runs
/// <see cref="Vector512{T}"/> natively, <see cref="PortableLanes"/> (<see cref="Vector{T}"/>) everywhere else.
/// <see cref="Vector{T}"/> stays 256 bits wide on AVX-512 hardware unless the process starts with
/// DOTNET_MaxVectorTBitWidth=512, which neither a library nor a running app can set. A loop is a generic method
/// over a struct implementing this, so the JIT compiles one copy per width with every call inlined: the
/// structural score of a 28×28 row took 235 ns this way, 237 ns written out in Vector512 and 333 ns in
/// <see cref="Vector{T}"/> (one thread, a throw-away harness, 2026-12-06).
/// </summary>
/// <remarks>
/// Only loops over data already in the first-level cache take the wide lanes (a row's score against its
/// reconstruction, a narrow layer's few weight rows). The loops that stream a caller's rows or a wide layer's
/// weights from memory (<see cref="DenseStack"/>'s dot products and axpys, <see cref="InputGuard.AllFinite"/>)
/// stay on <see cref="Vector{T}"/>: on 512-bit lanes, where every unaligned load spans two cache lines,
/// 1,024 rows of the seed encoder on two threads and one row of models/deep were no faster (within this
/// machine's ±25 % noise, mostly slower; 2026-12-06). `make test` runs the inference tests a second time on
/// the portable lanes (DOTNET_PreferredVectorBitWidth=256).
/// </remarks>
internal interface IFloatLanes<TVector> where TVector : struct
{
    /// <summary>Floats in one vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Create(float value);

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float target, nuint offset);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary>a·b + c (see <see cref="VectorMath.MultiplyAdd(Vector{float}, Vector{float}, Vector{float})"/>).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    static abstract TVector Abs(TVector value);

    /// <summary>The lanes of <paramref name="value"/> added.</summary>
    static abstract float Sum(TVector value);
}

/// <summary>The calls the managed kernel's loops dispatch through: the widest lanes this processor runs natively.</summary>
internal static class FloatLanes
{
    /// <summary>Whether loops run on <see cref="WideLanes"/> (AVX-512 hardware that .NET does not expect to slow down on it).</summary>
    public static bool Wide => Vector512.IsHardwareAccelerated;
}

/// <summary><see cref="IFloatLanes{TVector}"/> over <see cref="Vector512{T}"/>: 16 floats.</summary>
internal readonly struct WideLanes : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Create(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => VectorMath.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);
}

/// <summary><see cref="IFloatLanes{TVector}"/> over <see cref="Vector{T}"/>: as wide as .NET's portable vectors are here.</summary>
internal readonly struct PortableLanes : IFloatLanes<Vector<float>>
{
    public static int Count => Vector<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Create(float value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Load(ref float source, nuint offset) => Vector.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector<float> value, ref float target, nuint offset) => value.StoreUnsafe(ref target, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Subtract(Vector<float> a, Vector<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> c) => VectorMath.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> value) => Vector.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector<float> value) => Vector.Sum(value);
}
