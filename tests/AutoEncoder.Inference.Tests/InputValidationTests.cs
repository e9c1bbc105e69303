using Xunit;

namespace AutoEncoder.Inference.Tests;

public sealed class InputValidationTests : IDisposable
{
    private readonly Encoder encoder = Encoder.LoadDefault();

    public void Dispose() => encoder.Dispose();

    [Fact]
    public void A_row_of_the_wrong_length_is_refused_naming_both_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(new float[783]));

        Assert.Equal("row", error.ParamName);
        Assert.StartsWith("expected a row of 784 values, found 783", error.Message);
    }

    [Fact]
    public void A_destination_of_the_wrong_length_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(new float[784], new float[3]));

        Assert.StartsWith("expected an embedding of 2 values, found 3", error.Message);
    }

    // NaN and infinity are caught by the managed kernel as it reads each row and by a scan before ONNX
    // Runtime otherwise; both paths must name the same first offending index.
    [Theory]
    [InlineData(float.NaN, 17, InferenceBackend.Managed)]
    [InlineData(float.PositiveInfinity, 783, InferenceBackend.Managed)]
    [InlineData(float.NegativeInfinity, 0, InferenceBackend.Managed)]
    [InlineData(float.NaN, 17, InferenceBackend.OnnxRuntime)]
    [InlineData(float.NegativeInfinity, 783, InferenceBackend.OnnxRuntime)]
    public void A_non_finite_value_is_refused_naming_its_index(float value, int index, InferenceBackend backend)
    {
        using var encoder = Encoder.LoadDefault(new InferenceOptions { Backend = backend });
        var pixels = new float[784];
        pixels[index] = value;

        var error = Assert.Throws<ArgumentException>(() => encoder.Encode(pixels));

        Assert.Equal("row", error.ParamName);
        Assert.StartsWith($"expected finite values, found {value} at index {index}", error.Message);
    }

    // 100 rows run on the calling thread; 5,000 rows are split across threads by either backend, here with bad
    // values in two threads' shares (a third of the way in, and at the end).
    [Theory]
    [InlineData(100, InferenceBackend.Managed)]
    [InlineData(5_000, InferenceBackend.Managed)]
    [InlineData(100, InferenceBackend.OnnxRuntime)]
    [InlineData(5_000, InferenceBackend.OnnxRuntime)]
    public void The_first_non_finite_value_in_a_batch_is_named(int rows, InferenceBackend backend)
    {
        using var encoder = Encoder.LoadDefault(new InferenceOptions { Backend = backend });
        float[] batch = new float[784 * rows];
        batch[^3] = float.PositiveInfinity;
        batch[784 * (rows / 3) + 5] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(batch));

        Assert.Equal("rows", error.ParamName);
        Assert.StartsWith($"expected finite values, found NaN at index {784 * (rows / 3) + 5}", error.Message);
    }

    [Fact]
    public void An_empty_batch_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(ReadOnlySpan<float>.Empty));

        Assert.StartsWith("expected at least one row of 784 values, found none", error.Message);
    }

    [Fact]
    public void A_batch_with_a_partial_row_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(new float[784 * 2 + 1]));

        Assert.StartsWith("expected a multiple of 784 values (rows of 784), found 1569", error.Message);
    }

    [Fact]
    public void A_batch_destination_of_the_wrong_length_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(new float[784 * 3], new float[5]));

        Assert.StartsWith("expected embeddings for 3 rows of 6 values, found 5", error.Message);
    }
}
