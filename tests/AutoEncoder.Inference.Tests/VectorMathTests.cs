using System.Numerics;
using AutoEncoder.Inference.Internal;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The vector exponential and the managed kernel's sigmoid against the exact functions.</summary>
public sealed class VectorMathTests
{
    [Fact]
    public void Sigmoid_is_within_2e_7_of_the_exact_value_from_minus_100_to_100()
    {
        // 200,001 logits 0.001 apart, through the vector lanes and the scalar tail (the length is not a multiple of 8).
        float[] values = [.. Enumerable.Range(-100_000, 200_001).Select(i => i / 1000f)];
        float[] logits = [.. values];

        VectorMath.Sigmoid(values);

        // Float32 holds σ to a relative 6e-8; the polynomial exponential adds about as much again.
        for (int i = 0; i < values.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)logits[i]));
            Assert.True(Math.Abs(values[i] - exact) <= 2e-7, $"σ({logits[i]}) = {values[i]:R}, exact {exact:R}");
        }
    }

    [Fact]
    public void Sigmoid_saturates_without_overflow_at_extreme_logits()
    {
        float[] values = [-1e30f, -200f, -88f, 88f, 200f, 1e30f, 0f, 0f];

        VectorMath.Sigmoid(values);

        // The rational form is ½ plus a quotient near −½ there: within a float step of ½ (3e-8) of 0, never below.
        Assert.All(values[..3], v => Assert.InRange(v, 0f, 3e-8f));
        Assert.All(values[3..6], v => Assert.Equal(1f, v));
        Assert.Equal(0.5f, values[6]);
    }

    [Fact]
    public void Exp_is_within_a_relative_2e_7_of_the_exact_value_from_minus_87_to_87()
    {
        // Float carries 24 bits (half an ulp is 6e-8 relative); the degree-6 polynomial and its roundings
        // add about twice that, the bound the sigmoid test holds too.
        int count = Vector<float>.Count * 20_000;
        float[] x = [.. Enumerable.Range(0, count).Select(i => -87.3f + 174.6f * i / (count - 1))];
        var y = new float[count];
        for (int i = 0; i < count; i += Vector<float>.Count)
            VectorMath.Exp(new Vector<float>(x.AsSpan(i, Vector<float>.Count))).CopyTo(y.AsSpan(i));

        for (int i = 0; i < count; i++)
        {
            double exact = Math.Exp(x[i]);
            Assert.True(Math.Abs(y[i] - exact) <= 2e-7 * exact, $"exp({x[i]:R}): expected {exact:R}, found {y[i]:R}");
        }
    }
}
