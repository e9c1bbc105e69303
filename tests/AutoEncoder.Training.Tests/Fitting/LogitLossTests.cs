using System.Numerics;
using AutoEncoder.Training.Fitting;
using Xunit;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>The fused loss pass and its polynomial log1p, against double-precision maths (the exponential is the inference library's, tested there).</summary>
public sealed class LogitLossTests
{
    // Float carries 24 bits (half an ulp is 6e-8 relative); each polynomial is a ~3e-8 fit evaluated
    // in about eight float roundings, so 3e-7 relative is the error budget they are held to.
    private const double PolynomialTolerance = 3e-7;

    private static float[] Sweep(float from, float to, int count) =>
        Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1)).ToArray();

    private static float[] Apply(Func<Vector<float>, Vector<float>> function, float[] inputs)
    {
        var outputs = new float[inputs.Length];
        for (int i = 0; i < inputs.Length; i += Vector<float>.Count)
            function(new Vector<float>(inputs.AsSpan(i, Vector<float>.Count))).CopyTo(outputs.AsSpan(i));
        return outputs;
    }

    [Fact]
    public void Polynomial_log1p_has_float_precision_on_the_unit_interval()
    {
        float[] e = [.. Sweep(0f, 1f, 16 * 20_000), .. Sweep(0f, 1e-6f, 16 * 100)];
        float[] y = Apply(Log1p.OfUnit, e);

        for (int i = 0; i < e.Length; i++)
        {
            double exact = Math.Log(1 + (double)e[i]);
            Assert.True(Math.Abs(y[i] - exact) <= PolynomialTolerance * exact, $"log1p({e[i]:R}): expected {exact:R}, found {y[i]:R}");
        }
    }

    [Fact]
    public void Loss_and_error_equal_double_precision_bce_with_logits()
    {
        // Logits from saturated to tiny, targets of every kind MNIST has (0, 1, in between); 1,003 values
        // so that the scalar tail is exercised too.
        var random = new Random(5);
        float[] logits = [.. Enumerable.Range(0, 1000).Select(_ => (float)((random.NextDouble() - 0.5) * 40)), 120f, -120f, 1e-4f];
        float[] targets = logits.Select((_, i) => i % 3 == 0 ? 0f : i % 3 == 1 ? 1f : (float)random.NextDouble()).ToArray();
        var error = new float[logits.Length];

        double loss = LogitLoss.Range(logits, targets, error, 1f);

        double exactLoss = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double z = logits[i], x = targets[i];
            exactLoss += Math.Log(1 + Math.Exp(-Math.Abs(z))) + Math.Max(z, 0) - x * z;
            // σ(z) − x is a difference of values ≤ 1, so its error is absolute: a few float ulps of 1.
            Assert.True(Math.Abs(error[i] - (1 / (1 + Math.Exp(-z)) - x)) <= 3e-7, $"error at z = {z:R}, x = {x:R}: {error[i]:R}");
        }
        // Summed in float lanes before the final double sum: 1e-6 relative covers that accumulation.
        Assert.Equal(exactLoss, loss, exactLoss * 1e-6);
    }
}
