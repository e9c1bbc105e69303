using AutoEncoder.Inference.Tests.Support;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The managed kernel takes a batch through its layers a chunk of rows at a time: four rows at once through a
/// layer stored by output, the rows left over one at a time, the batch split across threads when it is large.
/// However a row is taken, its sums are added in the same order, so every row of a batch is bit for bit what
/// the same row gives alone (no tolerance: the claim is equality).
/// </summary>
public sealed class KernelBatchingTests
{
    // 150 rows: two threads take 75 each where the work is enough to split (the seed's shape and 100-9-2), and
    // 75 rows are two chunks of 32 and a last chunk of 11, which is two blocks of four and three rows alone
    // (chunks of 20 behind the 200-wide layer, whose scratch bounds them). The shapes cover the ways the kernel
    // stores a layer: by output (2 and 9 outputs, an odd one computed alone), by input in registers (6 inputs),
    // and by input one axpy per input (40 inputs).
    [Theory]
    [InlineData(new[] { 784, 2 }, 1)]
    [InlineData(new[] { 784, 2 }, 2)]
    [InlineData(new[] { 100, 9, 2 }, 1)]
    [InlineData(new[] { 100, 9, 2 }, 2)]
    [InlineData(new[] { 6, 32, 3 }, 1)]
    [InlineData(new[] { 40, 200, 2 }, 1)]
    public void Every_row_of_a_batch_is_bit_for_bit_its_result_alone(int[] widths, int threads)
    {
        const int rows = 150;
        byte[] model = TestModels.Encoder(widths, "Relu").ToByteArray();
        using var encoder = Encoder.Load(model, new InferenceOptions { Backend = InferenceBackend.Managed, IntraOpThreads = threads });
        var random = new Random(7);
        float[] pixels = [.. Enumerable.Range(0, rows * widths[0]).Select(_ => random.NextSingle())];

        float[] batch = encoder.EncodeBatch(pixels);

        int inputs = widths[0], outputs = widths[^1];
        for (int row = 0; row < rows; row++)
            Assert.Equal(encoder.Encode(pixels.AsSpan(row * inputs, inputs)), batch[(row * outputs)..((row + 1) * outputs)]);
    }
}
