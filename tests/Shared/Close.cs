using Xunit.Sdk;

namespace AutoEncoder.Tests.Support;

/// <summary>Element-wise comparison of float outputs, the one used by every parity test.</summary>
internal static class Close
{
    /// <summary>
    /// Asserts equal lengths and, for every i, |expected[i] − actual[i]| ≤ atol + rtol·|actual[i]|
    /// (the NumPy/ONNX Runtime test convention); NaN never passes.
    /// </summary>
    public static void Assert(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol = 0)
    {
        if (expected.Length != actual.Length)
            throw new XunitException($"expected {expected.Length} values, found {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= atol + rtol * Math.Abs(actual[i])))
                throw new XunitException(
                    $"value {i}: expected {expected[i]:R}, found {actual[i]:R} (|difference| {difference:G3} > {atol:G3} + {rtol:G3}·|actual|)");
        }
    }

    /// <summary>max |expected − actual|, for reporting.</summary>
    public static double MaxDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double max = 0;
        for (int i = 0; i < expected.Length; i++) max = Math.Max(max, Math.Abs((double)expected[i] - actual[i]));
        return max;
    }
}
