using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AutoEncoder.Inference.Internal;

/// <summary>Checks caller-supplied buffers before they reach native code.</summary>
internal static class InputGuard
{
    /// <summary>Throws unless <paramref name="length"/> values make a whole, non-zero number of rows of <paramref name="width"/>.</summary>
    public static int RowCount(int length, int width, string paramName)
    {
        if (length == 0)
            throw new ArgumentException($"expected at least one row of {width} values, found none", paramName);
        if (length % width != 0)
            throw new ArgumentException($"expected a multiple of {width} values (rows of {width}), found {length}", paramName);
        return length / width;
    }

    /// <summary>Throws unless <paramref name="found"/> equals <paramref name="expected"/>; <paramref name="what"/> names the buffer.</summary>
    public static void Length(int found, int expected, string what, string paramName)
    {
        if (found != expected)
            throw new ArgumentException($"expected {what} of {expected} values, found {found}", paramName);
    }

    /// <summary>Throws unless a destination holds <paramref name="width"/> values for each of <paramref name="rows"/> rows.</summary>
    public static void BatchLength(int found, int rows, int width, string what, string paramName)
    {
        if (found != rows * width)
            throw new ArgumentException($"expected {what} for {rows} rows of {rows * width} values, found {found}", paramName);
    }

    /// <summary>Throws naming the first NaN or infinite value, if any.</summary>
    public static void Finite(ReadOnlySpan<float> values, string paramName)
    {
        if (!AllFinite(values)) ThrowNotFinite(values, paramName);
    }

    /// <summary>
    /// Throws naming the first NaN or infinite value in <paramref name="values"/>, which must hold one, by its
    /// index in the caller's whole input, of which <paramref name="values"/> start at <paramref name="firstIndex"/>.
    /// </summary>
    [DoesNotReturn]
    public static void ThrowNotFinite(ReadOnlySpan<float> values, string paramName, int firstIndex = 0)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"expected finite values, found {values[i]} at index {firstIndex + i}", paramName);
        throw new UnreachableException("a non-finite value was reported but none was found");
    }

    /// <summary>
    /// Throws unless every output is finite, naming the first row that is not: the library's contract is
    /// that it never returns NaN or infinity. Finite inputs far beyond the training range (1e30 in a pixel)
    /// can still overflow float32 inside a model; that is the caller's data, so an <see cref="ArgumentException"/>.
    /// Rows are numbered in the caller's whole batch, of which <paramref name="outputs"/> start at <paramref name="firstRow"/>.
    /// </summary>
    public static void OutputFinite(ReadOnlySpan<float> outputs, int width, string paramName, int firstRow = 0)
    {
        // A code or a score is a handful of values: a plain loop, not a call into the vector pass.
        if (outputs.Length <= Vector<float>.Count * 2 ? FewFinite(outputs) : AllFinite(outputs)) return;
        int at = outputs.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        throw new ArgumentException(
            $"row {firstRow + at / width}: expected values the model can compute in float32, found ones so far beyond its training range that its output is {outputs[at]}",
            paramName);
    }

    private static bool FewFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
            if (!float.IsFinite(value)) return false;
        return true;
    }

    /// <summary>Whether every value is finite: one pass at memory speed.</summary>
    /// <remarks>
    /// x − x is 0 for every finite x and NaN for NaN and ±∞, so vector accumulators find both without
    /// a branch; four of them keep the adds from waiting on each other. Never inlined: inlined into a
    /// caller's tier-1 code, Dynamic PGO left the accumulator on the stack and the pass ran 3× slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int v = 0;
        for (; v + 3 < vectors.Length; v += 4)
        {
            a0 += vectors[v] - vectors[v];
            a1 += vectors[v + 1] - vectors[v + 1];
            a2 += vectors[v + 2] - vectors[v + 2];
            a3 += vectors[v + 3] - vectors[v + 3];
        }
        for (; v < vectors.Length; v++) a0 += vectors[v] - vectors[v];
        float tail = 0;
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++) tail += values[i] - values[i];
        return Vector.Sum((a0 + a1) + (a2 + a3)) == 0 && tail == 0;
    }
}
