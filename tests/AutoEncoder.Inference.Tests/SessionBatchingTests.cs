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
    // With one intra-op thread the batch is one share: 300 rows are runs of 256 and 44. With the default (null),
    // one share a core; on two cores 513 rows are shares of 256 and 257, the second a run of 256 and a run of one
    // row, which the pooled single-row runner takes; 1,100 rows are shares of 550, each runs of 256, 256 and 38.
    [Theory]
    [InlineData("deep/encoder.onnx", 300, 1)]
    [InlineData("deep/encoder.onnx", 513, null)]
    [InlineData("deep/encoder.onnx", 1_100, null)]
    [InlineData("conv/encoder.onnx", 513, null)]
    public void Every_row_of_a_batch_cut_into_runs_is_what_one_uncut_run_gives(string file, int rows, int? intraOpThreads)
    {
        float[] pixels = TestImages.Pixels(rows);
        var options = new InferenceOptions { Backend = InferenceBackend.OnnxRuntime, IntraOpThreads = intraOpThreads };
        using var encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, file), options);

        float[] codes = encoder.EncodeBatch(pixels);

        Assert.Equal(OrtReference.Run(TestModels.Committed(file), pixels, rows), codes);
    }
}
