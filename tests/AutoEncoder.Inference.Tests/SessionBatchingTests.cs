using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// On ONNX Runtime a batch is cut into runs of at most 256 rows (each thread's share into its own runs), so that
/// the intermediate tensors a run holds do not grow with the batch. Where the batch is cut changes no row: each
/// row's code is bit for bit what one uncut run of the whole batch gives (no tolerance: ONNX Runtime's kernels add
/// each row's products in an order that does not depend on the rows beside it, which is the claim).
/// </summary>
public sealed class SessionBatchingTests
{
    // 300 rows: one thread, runs of 256 and 44. 513: two full runs and a last run of one row, which the pooled
    // single-row runner takes. 1,100: two threads' shares of 550, each runs of 256, 256 and 38.
    [Theory]
    [InlineData("deep/encoder.onnx", 300)]
    [InlineData("deep/encoder.onnx", 513)]
    [InlineData("deep/encoder.onnx", 1_100)]
    [InlineData("conv/encoder.onnx", 513)]
    public void Every_row_of_a_batch_cut_into_runs_is_what_one_uncut_run_gives(string file, int rows)
    {
        float[] pixels = TestImages.Pixels(rows);
        using var encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, file), new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });

        float[] codes = encoder.EncodeBatch(pixels);

        Assert.Equal(OrtReference.Run(TestModels.Committed(file), pixels, rows), codes);
    }
}
