using System.Globalization;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.IO;
using Google.Protobuf;

namespace AutoEncoder.Training.Export;

/// <summary>
/// Chooses a full model's anomaly threshold from the scores of held-out normal rows. The scores come from
/// <see cref="AnomalyDetector"/> on the exported bytes, so the threshold is compared at run time with
/// scores computed by the very same code.
/// </summary>
internal static class AnomalyCalibration
{
    /// <summary>Metadata key of the class a one-class model was trained on.</summary>
    public const string NormalClassKey = MetadataKeys.AnomalyNormalClass;

    /// <summary>Quantiles of the calibration scores recorded beside the threshold.</summary>
    public static IReadOnlyList<double> Quantiles { get; } = [0.5, 0.9, 0.95, 0.99, 1];

    /// <summary>
    /// The metadata entries that calibrate <paramref name="model"/> (a full model that already declares
    /// <c>anomaly_score</c>) on <paramref name="rows"/>: threshold, the rule that chose it, the normal class,
    /// how many rows, and a few quantiles of their scores.
    /// </summary>
    public static IEnumerable<StringStringEntryProto> Metadata(ModelProto model, TrainingConfig config, float[] rows)
    {
        float[] scores;
        using (var detector = AnomalyDetector.Load(model.ToByteArray()))
            scores = detector.ScoreBatch(rows);
        double[] sorted = [.. scores.Select(s => (double)s).Order()];
        ThresholdRule rule = ThresholdRule.Parse(config.Threshold);
        var quantiles = Quantiles.ToDictionary(q => q.ToString(CultureInfo.InvariantCulture), q => ThresholdRule.Quantile(sorted, q));
        return
        [
            Entry(MetadataKeys.AnomalyThreshold, ((float)ThresholdRule.Quantile(sorted, rule.Level)).ToString("R", CultureInfo.InvariantCulture)),
            Entry(MetadataKeys.AnomalyThresholdRule, rule.ToString()),
            Entry(NormalClassKey, config.NormalClass?.ToString(CultureInfo.InvariantCulture) ?? ""),
            Entry(MetadataKeys.AnomalyCalibrationRows, scores.Length.ToString(CultureInfo.InvariantCulture)),
            Entry(MetadataKeys.AnomalyCalibrationQuantiles, JsonSerializer.Serialize(quantiles, Json.Compact)),
        ];
    }

    /// <summary>The class a model was calibrated on, or null for a model trained on every class.</summary>
    public static int? NormalClassOf(ModelMetadata metadata) =>
        metadata.Properties.TryGetValue(NormalClassKey, out string? text) &&
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int normal)
            ? normal
            : null;

    private static StringStringEntryProto Entry(string key, string value) => new() { Key = key, Value = value };
}
