using System.Numerics;
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
        if (AllFinite(values)) return;
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"expected finite values, found {values[i]} at index {i}", paramName);
    }

    // x − x is 0 for every finite x and NaN for NaN and ±∞, so one vector accumulator finds both in a
    // single pass at memory speed; the exact index is only looked for on failure.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        var accumulator = Vector<float>.Zero;
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        foreach (Vector<float> v in vectors) accumulator += v - v;
        float tail = 0;
        for (int i = vectors.Length * Vector<float>.Count; i < values.Length; i++) tail += values[i] - values[i];
        return Vector.Dot(accumulator, Vector<float>.One) == 0 && tail == 0;
    }
}
