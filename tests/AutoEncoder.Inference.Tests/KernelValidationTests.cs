using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Onnx.Schema;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The managed kernel finds a NaN or an infinity in a row through the first layer's sums rather than by a pass
/// of its own. Whichever way that layer is stored and whatever the bad input's weights, the row is refused
/// naming the value's index, as a scan names it; and a finite row whose first sums overflow is not called
/// non-finite.
/// </summary>
public sealed class KernelValidationTests
{
    private const int BadInput = 3;

    private static readonly InferenceOptions Managed = new() { Backend = InferenceBackend.Managed };

    // The hidden width decides how the kernel stores the first layer: 8 outputs by output (dot products),
    // 32 outputs by input, over 6 inputs in registers and over 40 inputs one axpy per input. A weight of 0 on
    // the bad input makes every first sum NaN (∞·0); −∞ on weights of 0.5 makes them −∞, which the ReLU after
    // that layer would turn into 0, so the check must come before it.
    [Theory]
    [InlineData(6, 8, float.NaN, 0f)]
    [InlineData(6, 8, float.PositiveInfinity, 0f)]
    [InlineData(6, 32, float.NegativeInfinity, 0f)]
    [InlineData(40, 32, float.PositiveInfinity, 0f)]
    [InlineData(40, 32, float.NaN, 0f)]
    [InlineData(6, 8, float.NegativeInfinity, 0.5f)]
    [InlineData(6, 32, float.NegativeInfinity, 0.5f)]
    [InlineData(40, 32, float.NegativeInfinity, 0.5f)]
    public void A_non_finite_value_is_refused_naming_its_index_whatever_its_weights(int inputs, int hidden, float value, float badWeight)
    {
        ModelProto proto = TestModels.Encoder([inputs, hidden, 2], "Relu");
        SetFirstWeights(proto, inputs, hidden, (_, input) => input == BadInput ? badWeight : 0.5f);
        using var encoder = Encoder.Load(proto.ToByteArray(), Managed);
        // Six rows: a block of four, then a partial block of two, the bad value in the last row.
        var rows = new float[6 * inputs];
        rows[5 * inputs + BadInput] = value;

        var error = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(rows));

        Assert.Equal("rows", error.ParamName);
        Assert.StartsWith($"expected finite values, found {value} at index {5 * inputs + BadInput}", error.Message);
    }

    // Every first weight 1, so six values of 3e38 sum past float32's largest (3.4e38) to infinity: the row is
    // finite, and the error is the one for values beyond what the model can compute.
    [Fact]
    public void A_finite_row_whose_first_sums_overflow_is_refused_as_beyond_the_model_not_as_non_finite()
    {
        ModelProto proto = TestModels.Encoder([6, 8, 2], "Relu");
        SetFirstWeights(proto, 6, 8, (_, _) => 1f);
        using var encoder = Encoder.Load(proto.ToByteArray(), Managed);

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(Enumerable.Repeat(3e38f, 6).ToArray()));

        Assert.Equal("row", error.ParamName);
        Assert.StartsWith("row 0: expected values the model can compute in float32", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Replaces the first Gemm's weights (stored [outputs, inputs], transB = 1) with <paramref name="weight"/>(output, input).</summary>
    private static void SetFirstWeights(ModelProto proto, int inputs, int outputs, Func<int, int, float> weight)
    {
        float[] values = [.. Enumerable.Range(0, outputs * inputs).Select(i => weight(i / inputs, i % inputs))];
        int at = proto.Graph.Initializer.ToList().FindIndex(t => t.Name == "w0");
        proto.Graph.Initializer[at] = TestModels.Tensor("w0", [outputs, inputs], values);
    }
}
