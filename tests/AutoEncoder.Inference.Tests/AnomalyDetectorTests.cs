using AutoEncoder.Inference.Internal;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// Scores are the mean per-feature reconstruction error of the full model's output, as ONNX Runtime
/// computes that output. Tolerance 1e-6 absolute on scores of ~0.01–0.2: the reconstructions agree to
/// ~1e-6 (managed kernel against ONNX Runtime), and a mean of 784 squared differences moves by less.
/// </summary>
public sealed class AnomalyDetectorTests
{
    private const int Rows = 200;

    private static byte[] WithMetadata(params (string Key, string? Value)[] entries) => TestModels.CommittedWithMetadata("autoencoder.onnx", entries);

    private static float[] ReferenceScores(float[] rows, int count, bool bce)
    {
        float[] reconstructions = OrtReference.Run(TestModels.Committed("autoencoder.onnx"), rows, count);
        return [.. Enumerable.Range(0, count).Select(r =>
        {
            double sum = 0;
            for (int i = r * 784; i < (r + 1) * 784; i++)
            {
                double x = rows[i], y = reconstructions[i];
                if (bce)
                {
                    y = Math.Clamp(y, 1e-7, 1 - 1e-7);
                    sum -= x * Math.Log(y) + (1 - x) * Math.Log(1 - y);
                }
                else
                {
                    sum += (x - y) * (x - y);
                }
            }
            return (float)(sum / 784);
        })];
    }

    [Theory]
    [InlineData(InferenceBackend.Managed)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void Scores_are_the_mean_squared_error_of_the_full_models_reconstruction(InferenceBackend backend)
    {
        float[] rows = TestImages.Pixels(Rows);
        using var detector = AnomalyDetector.LoadDefault(new InferenceOptions { Backend = backend });

        Assert.Equal(AnomalyScore.Mse, detector.ScoreKind);
        Close.Assert(ReferenceScores(rows, Rows, bce: false), detector.ScoreBatch(rows), atol: 1e-6);
        Close.Assert(ReferenceScores(rows[..784], 1, bce: false), [detector.Score(rows.AsSpan(0, 784))], atol: 1e-6);
    }

    [Fact]
    public void A_model_that_declares_bce_is_scored_by_clipped_binary_cross_entropy()
    {
        float[] rows = TestImages.Pixels(Rows);
        // In ONNX Runtime, as the reference: ln x̂ near saturation magnifies the ~1e-6 difference between the
        // managed kernel's reconstructions and ONNX Runtime's a thousandfold, which would hide the formula.
        using var detector = AnomalyDetector.Load(WithMetadata(("anomaly_score", "bce")), new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });

        Assert.Equal(AnomalyScore.Bce, detector.ScoreKind);
        Close.Assert(ReferenceScores(rows, Rows, bce: true), detector.ScoreBatch(rows), atol: 1e-6);
    }

    // The formula itself is pinned in StructuralErrorTests; here, that the detector takes it from the
    // metadata and applies it to ONNX Runtime's reconstructions, for rows and batches alike.
    [Fact]
    public void A_model_that_declares_structural_is_scored_by_the_blurred_error_of_its_image_rows()
    {
        float[] rows = TestImages.Pixels(Rows);
        float[] reconstructions = OrtReference.Run(TestModels.Committed("autoencoder.onnx"), rows, Rows);
        using var detector = AnomalyDetector.Load(WithMetadata(("anomaly_score", "structural")), new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });
        StructuralError structural = StructuralError.FromMetadata(detector.Metadata.Properties, 784);
        float[] scratch = new float[structural.ScratchLength];

        float[] expected = [.. Enumerable.Range(0, Rows).Select(r =>
            structural.Score(rows.AsSpan(r * 784, 784), reconstructions.AsSpan(r * 784, 784), [], scratch))];

        Assert.Equal(AnomalyScore.Structural, detector.ScoreKind);
        // ONNX Runtime's batch and single-row kernels may round differently (see EncoderTests): 1e-6 on scores of ~0.1.
        Close.Assert(expected, detector.ScoreBatch(rows), atol: 1e-6);
        Close.Assert(expected[..1], [detector.Score(rows.AsSpan(0, 784))], atol: 1e-6);
    }

    [Fact]
    public void A_structural_model_without_an_image_shape_is_refused_at_load()
    {
        var error = Assert.Throws<InvalidDataException>(() => AnomalyDetector.Load(WithMetadata(("anomaly_score", "structural"), ("image_shape", null))));

        Assert.Equal("model bytes: expected metadata image_shape with anomaly_score 'structural' (a score for images), found none", error.Message);
    }

    // 200 rows are scored on the calling thread; 3,000 are split across threads, twice over.
    [Theory]
    [InlineData(200)]
    [InlineData(3_000)]
    public void A_batch_scores_exactly_as_its_rows_do_one_by_one(int count)
    {
        float[] rows = TestImages.Pixels(count);
        using var detector = AnomalyDetector.LoadDefault();

        float[] batch = detector.ScoreBatch(rows);

        // One managed kernel and one score function for rows and batches: bit-identical, not merely close.
        for (int r = 0; r < count; r++) Assert.Equal(batch[r], detector.Score(rows.AsSpan(r * 784, 784)));
    }

    [Fact]
    public void Eight_threads_scoring_at_once_get_exactly_the_serial_scores()
    {
        float[] rows = TestImages.Pixels(Rows);
        using var detector = AnomalyDetector.LoadDefault(new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });
        float[] serial = detector.ScoreBatch(rows);
        var concurrent = new float[8][];

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
            concurrent[thread] = [.. Enumerable.Range(0, Rows).Select(r => detector.Score(rows.AsSpan(((r + thread * 37) % Rows) * 784, 784)))]);

        // ONNX Runtime's single-row and batch kernels may round differently (see EncoderTests); 1e-6 on scores ≤ 0.2.
        for (int thread = 0; thread < 8; thread++)
            Close.Assert([.. Enumerable.Range(0, Rows).Select(r => serial[(r + thread * 37) % Rows])], concurrent[thread], atol: 1e-6);
    }

    [Fact]
    public void Per_feature_errors_explain_the_score_as_their_mean()
    {
        float[] row = TestImages.Pixels(1);
        using var detector = AnomalyDetector.LoadDefault();
        var perFeature = new float[784];

        float score = detector.Score(row, perFeature);

        Assert.Equal(detector.Score(row), score);
        Assert.Equal(score, perFeature.Average(), 1e-6);
        Assert.All(perFeature, e => Assert.True(e >= 0));
    }

    [Fact]
    public void Byte_rows_score_exactly_like_rows_divided_by_255()
    {
        byte[] image = TestImages.Bytes(1);
        using var detector = AnomalyDetector.LoadDefault();

        Assert.Equal(detector.Score([.. image.Select(b => b / 255f)]), detector.Score(image.AsSpan()));
    }

    [Fact]
    public void A_model_without_a_calibrated_threshold_scores_but_refuses_to_flag()
    {
        using var detector = AnomalyDetector.LoadDefault();

        Assert.Null(detector.Threshold);
        Assert.True(detector.Score(TestImages.Pixels(1)) > 0);
        var error = Assert.Throws<InvalidOperationException>(() => detector.IsAnomaly(TestImages.Pixels(1)));
        Assert.StartsWith("no anomaly threshold: the model was not trained with --normal-class", error.Message);
    }

    [Fact]
    public void The_calibrated_threshold_comes_from_metadata_and_flags_rows_scoring_above_it()
    {
        float[] row = TestImages.Pixels(1);
        float score;
        using (var plain = AnomalyDetector.LoadDefault()) score = plain.Score(row);
        using var below = AnomalyDetector.Load(WithMetadata(("anomaly_threshold", (score * 0.99f).ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
        using var above = AnomalyDetector.Load(WithMetadata(("anomaly_threshold", (score * 1.01f).ToString("R", System.Globalization.CultureInfo.InvariantCulture))));

        Assert.Equal(score * 0.99f, below.Threshold);
        Assert.True(below.IsAnomaly(row));
        Assert.False(above.IsAnomaly(row));
    }

    [Fact]
    public void Byte_rows_score_as_their_intensities_do()
    {
        using var detector = AnomalyDetector.LoadDefault();
        byte[] pixels = TestImages.Bytes(3);

        float[] fromBytes = detector.ScoreBatch(pixels);

        // The same division by 255 on both paths: the same float inputs, the same scores exactly.
        Assert.Equal(detector.ScoreBatch([.. pixels.Select(p => p / 255f)]), fromBytes);
    }

    [Fact]
    public void A_threshold_given_at_load_is_used()
    {
        float[] row = TestImages.Pixels(1);
        float score;
        using (var plain = AnomalyDetector.LoadDefault()) score = plain.Score(row);

        using var detector = AnomalyDetector.LoadDefault(new InferenceOptions { AnomalyThreshold = score / 2 });

        Assert.Equal(score / 2, detector.Threshold);
        Assert.True(detector.IsAnomaly(row));
    }

    [Fact]
    public void A_threshold_given_at_load_overrides_the_calibrated_one()
    {
        using var calibrated = AnomalyDetector.Load(WithMetadata(("anomaly_threshold", "0.5")), new InferenceOptions { AnomalyThreshold = 0.25f });

        Assert.Equal(0.25f, calibrated.Threshold);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-1f)]
    public void A_threshold_that_is_no_score_is_refused_at_load(float threshold)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AnomalyDetector.LoadDefault(new InferenceOptions { AnomalyThreshold = threshold }));

        Assert.StartsWith("expected AnomalyThreshold null or a finite score ≥ 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anomaly_threshold", "-0.5", "expected metadata anomaly_threshold to be a finite number ≥ 0, found '-0.5'")]
    [InlineData("anomaly_threshold", "NaN", "expected metadata anomaly_threshold to be a finite number ≥ 0, found 'NaN'")]
    [InlineData("anomaly_score", "l1", "expected metadata anomaly_score 'mse', 'bce' or 'structural', found 'l1'")]
    public void Bad_anomaly_metadata_is_refused_at_load_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => AnomalyDetector.Load(WithMetadata((key, value))));

        Assert.Equal($"model bytes: {message}", error.Message);
    }

    [Fact]
    public void An_encoder_passed_where_a_full_model_is_needed_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => AnomalyDetector.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx")));

        Assert.EndsWith("expected a model with role 'autoencoder', found 'encoder'", error.Message);
    }

    [Fact]
    public void Rows_of_the_wrong_width_or_with_nan_are_refused()
    {
        using var detector = AnomalyDetector.LoadDefault();
        float[] nan = TestImages.Pixels(1);
        nan[5] = float.NaN;

        Assert.StartsWith("expected a row of 784 values, found 783", Assert.Throws<ArgumentException>(() => detector.Score(new float[783])).Message);
        Assert.StartsWith("expected finite values, found NaN at index 5", Assert.Throws<ArgumentException>(() => detector.Score(nan)).Message);
        Assert.Throws<ArgumentException>(() => detector.ScoreBatch(new float[784 * 2], new float[3]));
    }

    // 5,000 rows are scored in one share per core; bad values in two shares (a third of the way in, and at the
    // end): the first is named whichever share fails first.
    [Theory]
    [InlineData(InferenceBackend.Managed)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void A_batch_scored_on_several_threads_names_its_first_non_finite_value(InferenceBackend backend)
    {
        const int rows = 5_000;
        using var detector = AnomalyDetector.LoadDefault(new InferenceOptions { Backend = backend });
        float[] batch = new float[784 * rows];
        batch[^3] = float.PositiveInfinity;
        batch[784 * (rows / 3) + 5] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => detector.ScoreBatch(batch));

        Assert.Equal("rows", error.ParamName);
        Assert.StartsWith($"expected finite values, found NaN at index {784 * (rows / 3) + 5}", error.Message);
    }

    [Fact]
    public void Scoring_after_dispose_is_refused()
    {
        var detector = AnomalyDetector.LoadDefault();
        detector.Dispose();

        Assert.Throws<ObjectDisposedException>(() => detector.Score(new float[784]));
    }
}
