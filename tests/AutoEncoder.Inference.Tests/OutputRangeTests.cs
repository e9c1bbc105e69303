using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The library never returns NaN or infinity: finite inputs so far beyond the training range that the model
/// overflows float32 inside are refused as the caller's data, naming the row, on both backends.
/// </summary>
public sealed class OutputRangeTests
{
    private static string Deep(string file) => Path.Combine(Repository.ModelsFolder, "deep", file);

    [Theory]
    [InlineData(InferenceBackend.OnnxRuntime)]
    [InlineData(InferenceBackend.Managed)]
    public void A_code_that_overflows_the_decoder_is_refused_naming_its_row(InferenceBackend backend)
    {
        using var decoder = Decoder.Load(Deep("decoder.onnx"), new InferenceOptions { Backend = backend });

        // Both coordinates at 3e38: every backend overflows (with opposite signs, whether the hidden sums reach
        // infinity depends on their order, and in the managed kernel's order they stay finite and saturate the sigmoid).
        var error = Assert.Throws<ArgumentException>(() => decoder.DecodeBatch([0f, 0f, 3e38f, 3e38f]));

        Assert.StartsWith("row 1: expected values the model can compute in float32", error.Message, StringComparison.Ordinal);
        Assert.Equal("embeddings", error.ParamName);
    }

    [Theory]
    [InlineData(InferenceBackend.OnnxRuntime)]
    [InlineData(InferenceBackend.Managed)]
    public void A_row_whose_score_overflows_is_refused_naming_it(InferenceBackend backend)
    {
        using var detector = AnomalyDetector.Load(Deep("autoencoder.onnx"), new InferenceOptions { Backend = backend });
        var rows = new float[2 * detector.InputSize];
        rows[detector.InputSize] = 1e30f;

        var batch = Assert.Throws<ArgumentException>(() => detector.ScoreBatch(rows));
        var single = Assert.Throws<ArgumentException>(() => detector.Score(rows.AsSpan(detector.InputSize)));

        Assert.StartsWith("row 1: expected values the model can compute in float32", batch.Message, StringComparison.Ordinal);
        Assert.StartsWith("row 0: expected values the model can compute in float32", single.Message, StringComparison.Ordinal);
    }

    // The structural score's batch checks its scores rather than its reconstructions: the overflow still names the row.
    [Theory]
    [InlineData(InferenceBackend.OnnxRuntime)]
    [InlineData(InferenceBackend.Managed)]
    public void A_row_whose_structural_score_overflows_is_refused_naming_it(InferenceBackend backend)
    {
        byte[] model = TestModels.CommittedWithMetadata("autoencoder.onnx", ("anomaly_score", "structural"));
        using var detector = AnomalyDetector.Load(model, new InferenceOptions { Backend = backend });
        var rows = new float[3 * detector.InputSize];
        rows[2 * detector.InputSize + 100] = 1e30f;

        var error = Assert.Throws<ArgumentException>(() => detector.ScoreBatch(rows));

        Assert.StartsWith("row 2: expected values the model can compute in float32", error.Message, StringComparison.Ordinal);
        Assert.Equal("rows", error.ParamName);
    }

    [Fact]
    public void Ordinary_rows_still_score_after_a_refused_one()
    {
        using var detector = AnomalyDetector.Load(Deep("autoencoder.onnx"));
        var huge = new float[detector.InputSize];
        huge[0] = 1e30f;

        Assert.Throws<ArgumentException>(() => detector.Score(huge));

        Assert.True(float.IsFinite(detector.Score(new float[detector.InputSize])));
    }
}
