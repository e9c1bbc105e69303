using System.Globalization;
using System.Text.Json;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Model;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Onnx;

/// <summary>
/// Builds a trained autoencoder's three ONNX models (encoder, decoder, full model) from its layer plans,
/// each checked against TorchSharp on the given images before it is returned: all three pass, or none is
/// returned, and the artifact writer then writes all three.
/// </summary>
internal static class ModelExport
{
    /// <summary>Largest max-absolute difference between ONNX Runtime and TorchSharp an export accepts.</summary>
    public const double ParityTolerance = 1e-4;

    /// <summary>Divisor that turns stored bytes (0–255) into model inputs, as training did.</summary>
    public const int InputDivisor = 255;

    /// <summary>The serialised models and their parity figures (max |ONNX Runtime − TorchSharp|).</summary>
    public sealed record Result(IReadOnlyDictionary<ModelRole, byte[]> Files, IReadOnlyDictionary<ModelRole, double> Parity);

    /// <summary>
    /// Builds the three models and measures their parity on <paramref name="pixels"/> (rows × input size, in
    /// [0, 1]). With <paramref name="calibration"/> (held-out normal rows, as <see cref="TrainingRows"/> picks
    /// them), the full model also carries the anomaly threshold calibrated on them.
    /// </summary>
    /// <exception cref="InvalidDataException">A model's parity exceeds <see cref="ParityTolerance"/>.</exception>
    public static Result Build(AutoEncoderModel model, TrainingConfig config, IReadOnlyDictionary<string, string> dataChecksums,
        double testBce, float[] pixels, int rows, float[]? calibration = null)
    {
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var sigmoid = nn.Sigmoid();

        Tensor input = tensor(pixels, [rows, config.Model.InputSize]);
        Tensor codes = model.Encoder.forward(input);
        var references = new Dictionary<ModelRole, (float[] Input, float[] Output)>
        {
            [ModelRole.Encoder] = (pixels, codes.data<float>().ToArray()),
            [ModelRole.Decoder] = (codes.data<float>().ToArray(), sigmoid.forward(model.Decoder.forward(codes)).data<float>().ToArray()),
            [ModelRole.Autoencoder] = (pixels, sigmoid.forward(model.forward(input)).data<float>().ToArray()),
        };

        var files = new Dictionary<ModelRole, byte[]>();
        var parity = new Dictionary<ModelRole, double>();
        foreach (ModelRole role in ModelRoles.All)
        {
            ModelProto proto = OnnxExporter.Export(Spec(role, model, config, sigmoid), Metadata(role, config, dataChecksums, testBce));
            (float[] refInput, float[] refOutput) = references[role];
            double difference = OrtRunner.MaxAbsDifference(refOutput, OrtRunner.Run(proto.ToByteArray(), refInput, rows));
            if (!(difference <= ParityTolerance))
                throw new InvalidDataException(
                    $"{role.FileName()}: expected ONNX Runtime to match TorchSharp within {ParityTolerance:G}, found max |difference| {difference:G}; no files written");

            proto.MetadataProps.Add(new StringStringEntryProto { Key = "parity_max_abs_diff", Value = Format(difference) });
            proto.MetadataProps.Add(new StringStringEntryProto { Key = "parity_rows", Value = rows.ToString(CultureInfo.InvariantCulture) });
            if (role == ModelRole.Autoencoder)
            {
                // How AnomalyDetector scores rows with this model; calibrated only for a one-class model.
                proto.MetadataProps.Add(new StringStringEntryProto { Key = "anomaly_score", Value = config.Score.ToString().ToLowerInvariant() });
                if (calibration is not null) proto.MetadataProps.Add(AnomalyCalibration.Metadata(proto, config, calibration));
            }
            files[role] = proto.ToByteArray();
            parity[role] = difference;
        }
        return new Result(files, parity);
    }

    private static OnnxExporter.GraphSpec Spec(ModelRole role, AutoEncoderModel model, TrainingConfig config, nn.Module sigmoid)
    {
        int input = config.Model.InputSize, latent = config.Model.Latent;
        (string, nn.Module)[] encoder = Stages(model.EncoderPlan), decoder = [.. Stages(model.DecoderPlan), ("output", sigmoid)];
        return role switch
        {
            ModelRole.Encoder => new("encoder", ModelRoles.Pixels, input, ModelRoles.Embedding, encoder,
                $"MNIST autoencoder encoder ({config.Model}): pixels / {InputDivisor} → {latent}-D code."),
            ModelRole.Decoder => new("decoder", ModelRoles.Embedding, latent, ModelRoles.Reconstruction, decoder,
                $"MNIST autoencoder decoder ({config.Model}): {latent}-D code → pixel probabilities in [0, 1]."),
            _ => new("autoencoder", ModelRoles.Pixels, input, ModelRoles.Reconstruction, [.. encoder, .. decoder],
                $"MNIST autoencoder ({config.Model}): pixels / {InputDivisor} → reconstructed pixel probabilities."),
        };
    }

    /// <summary>The plan's layers as exporter stages, each named by its place in the module tree.</summary>
    private static (string, nn.Module)[] Stages(LayerPlan plan) => [.. plan.Layers.Select(layer => (layer.Scope, layer.Module))];

    private static IEnumerable<KeyValuePair<string, string>> Metadata(ModelRole role, TrainingConfig config,
        IReadOnlyDictionary<string, string> dataChecksums, double testBce) =>
    [
        new("role", role.Name()),
        new("input_size", config.Model.InputSize.ToString(CultureInfo.InvariantCulture)),
        new("latent_size", config.Model.Latent.ToString(CultureInfo.InvariantCulture)),
        new("image_shape", "28,28"),
        new("input_divisor", InputDivisor.ToString(CultureInfo.InvariantCulture)),
        new("input_scaling", $"input = pixel / {InputDivisor}, pixel a byte 0–255"),
        new("training_config", JsonSerializer.Serialize(config, Json.Compact)),
        new("data_sha256", JsonSerializer.Serialize(dataChecksums, Json.Compact)),
        new("test_bce", Format(testBce)),
    ];

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
