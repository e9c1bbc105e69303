using System.Globalization;
using System.Text.Json;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Model;
using AutoEncoder.Training.Onnx.Schema;
using AutoEncoder.Training.Training;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Onnx;

/// <summary>
/// Exports a trained autoencoder as three ONNX files (encoder, decoder, full model), each checked against
/// TorchSharp on the given images before anything is written: all three are written, or none.
/// </summary>
internal static class ModelExport
{
    /// <summary>Largest max-absolute difference between ONNX Runtime and TorchSharp an export accepts.</summary>
    public const double ParityTolerance = 1e-4;

    /// <summary>Divisor that turns stored bytes (0–255) into model inputs, as training did.</summary>
    public const int InputDivisor = 255;

    /// <summary>The serialised models and their parity figures (max |ONNX Runtime − TorchSharp|).</summary>
    public sealed record Result(IReadOnlyDictionary<ModelRole, byte[]> Files, IReadOnlyDictionary<ModelRole, double> Parity);

    /// <summary>Builds the three models and measures their parity on <paramref name="pixels"/> (rows × input size, in [0, 1]).</summary>
    /// <exception cref="InvalidDataException">A model's parity exceeds <see cref="ParityTolerance"/>.</exception>
    public static Result Build(AutoEncoderModel model, TrainingConfig config, IReadOnlyDictionary<string, string> dataChecksums,
        double testBce, float[] pixels, int rows)
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
            files[role] = proto.ToByteArray();
            parity[role] = difference;
        }
        return new Result(files, parity);
    }

    /// <summary>Writes each file atomically into <paramref name="outDir"/>; returns file name → SHA-256.</summary>
    public static IReadOnlyDictionary<string, string> Write(Result result, string outDir)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((ModelRole role, byte[] bytes) in result.Files)
        {
            AtomicFile.WriteAllBytes(Path.Combine(outDir, role.FileName()), bytes);
            hashes[role.FileName()] = FileHash.Sha256(bytes);
        }
        return hashes;
    }

    private static OnnxExporter.GraphSpec Spec(ModelRole role, AutoEncoderModel model, TrainingConfig config, nn.Module sigmoid)
    {
        int input = config.Model.InputSize, latent = config.Model.Latent;
        return role switch
        {
            ModelRole.Encoder => new("encoder", ModelRoles.Pixels, input, ModelRoles.Embedding,
                [("encoder", model.Encoder)],
                $"MNIST autoencoder encoder ({config.Model}): pixels / {InputDivisor} → {latent}-D code."),
            ModelRole.Decoder => new("decoder", ModelRoles.Embedding, latent, ModelRoles.Reconstruction,
                [("decoder", model.Decoder), ("output", sigmoid)],
                $"MNIST autoencoder decoder ({config.Model}): {latent}-D code → pixel probabilities in [0, 1]."),
            _ => new("autoencoder", ModelRoles.Pixels, input, ModelRoles.Reconstruction,
                [("encoder", model.Encoder), ("decoder", model.Decoder), ("output", sigmoid)],
                $"MNIST autoencoder ({config.Model}): pixels / {InputDivisor} → reconstructed pixel probabilities."),
        };
    }

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
