using AutoEncoder.Training.Fitting;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>
/// The held-Scalar arithmetic the shards use gives the bits of the operators it replaces: retrained models stay
/// byte for byte what they were. (The race it removes, a collection during a libtorch call, cannot be provoked
/// on demand; what it must not change can be checked.)
/// </summary>
public sealed class HeldScalarsTests
{
    private static readonly float[] Values = [-3.5f, -0.1f, 0f, 0.3f, 1f / 3, 2.75f, 1e-7f, 88f];

    private static float[] Bits(Tensor t) => t.data<float>().ToArray();

    [Fact]
    public void Each_form_equals_its_operator_bit_for_bit()
    {
        using Tensor a = tensor(Values), b = tensor(Values.Reverse().ToArray());

        Assert.Equal(Bits(a + b), Bits(a.Plus(b)));
        Assert.Equal(Bits(a + 0.9189385332046727), Bits(a.Plus(0.9189385332046727)));
        Assert.Equal(Bits(0.5 * a), Bits(a.Times(0.5)));
        Assert.Equal(Bits(a / 7L), Bits(a.DividedBy(7)));
        Assert.Equal((a < 0.3).data<bool>().ToArray(), a.Below(0.3).data<bool>().ToArray());
        Assert.Equal((a >= 0.3).data<bool>().ToArray(), a.AtLeast(0.3).data<bool>().ToArray());
    }

    [Fact]
    public void The_held_unit_bounds_clamp_as_integer_literals_do()
    {
        using Tensor a = tensor(Values), held = a.clone(), literal = a.clone();

        held.clamp_(HeldScalars.Zero, HeldScalars.One);
        literal.clamp_(0, 1);

        Assert.Equal(Bits(literal), Bits(held));
    }
}
