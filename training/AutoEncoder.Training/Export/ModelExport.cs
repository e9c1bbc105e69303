using System.Globalization;
using System.Text.Json;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Onnx;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export.Converters;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Export;

/// <summary>
/// Builds a trained autoencoder's three ONNX models (encoder, decoder, full model) from its layer plans,
/// each checked against TorchSharp on the given images before it is returned: all three pass, or none is
/// returned, and the artifact writer then writes all three.
/// </summary>
internal static class ModelExport
{
    // The exporter's converters and this app's own: the input scaling at the head of the graphs.
    private static readonly ConverterRegistry Converters = ConverterRegistry.Builtin().Add(new ScalingConverter());

    /// <summary>
    /// Largest difference between ONNX Runtime and TorchSharp an export accepts, absolute, for outputs of
    /// magnitude up to about 10 (probabilities, most codes).
    /// </summary>
    public const double ParityTolerance = 1e-4;

    /// <summary>
    /// The share of the largest reference magnitude added to <see cref="ParityTolerance"/> (the rule of
    /// numpy's <c>allclose</c>): float32 rounding grows with the values. The conv preset's 2-D codes reach
    /// past 128, where a float's spacing is 1.5e-5; its encoder measured 6.1e-5 (four spacings) and, once
    /// retrained, 1.07e-4 (seven), which an absolute 1e-4 refused although a 1e-5 relative error is the
    /// export's rounding, not a wrong graph.
    /// </summary>
    public const double ParityRelativeTolerance = 1e-5;

    /// <summary>The parity an export of <paramref name="reference"/> outputs must meet: <see cref="ParityTolerance"/> + <see cref="ParityRelativeTolerance"/> · max |reference|.</summary>
    public static double ParityBound(ReadOnlySpan<float> reference)
    {
        float largest = 0;
        foreach (float value in reference) largest = Math.Max(largest, Math.Abs(value));
        return ParityTolerance + ParityRelativeTolerance * largest;
    }

    // forward's outputs for the rows of inputs, OrtRunner.ChunkRows at a time (the rows ONNX Runtime runs at once),
    // laid end to end: a whole test set at once maps every activation afresh (see OrtRunner.ChunkRows).
    private static float[] InChunks(Tensor inputs, Func<Tensor, Tensor> forward)
    {
        var values = new List<float>();
        for (long start = 0; start < inputs.shape[0]; start += OrtRunner.ChunkRows)
        {
            using var scope = NewDisposeScope();
            values.AddRange(forward(inputs.narrow(0, start, Math.Min(OrtRunner.ChunkRows, inputs.shape[0] - start))).data<float>().ToArray());
        }
        return [.. values];
    }

    /// <summary>The serialised models and their parity figures (max |ONNX Runtime − TorchSharp|).</summary>
    public sealed record Result(IReadOnlyDictionary<ModelRole, byte[]> Files, IReadOnlyDictionary<ModelRole, double> Parity);

    /// <summary>What the models are exported from: the trained model, its configuration and how its inputs were scaled.</summary>
    /// <param name="Model">The trained autoencoder.</param>
    /// <param name="Config">The configuration it was trained with.</param>
    /// <param name="Scaler">The feature scaling fitted on its training rows; the encoder and full model begin with it.</param>
    /// <param name="Image">The image shape of a row, or null for tables.</param>
    /// <param name="DataChecksums">Source file → SHA-256, for provenance.</param>
    /// <param name="TestLoss">The final mean test loss (BCE or MSE, as trained).</param>
    public sealed record Source(AutoEncoderModel Model, TrainingConfig Config, FeatureScaler Scaler, ImageShape? Image,
        IReadOnlyDictionary<string, string> DataChecksums, double TestLoss);

    /// <summary>
    /// Builds the three models and measures their parity on <paramref name="rows"/> (raw rows, as a consumer
    /// feeds them). With <paramref name="calibration"/> (raw held-out normal rows, as <see cref="TrainingRows"/>
    /// picks them), the full model also carries the anomaly threshold calibrated on them.
    /// </summary>
    /// <exception cref="InvalidDataException">The encoder's or decoder's parity exceeds <see cref="ParityBound"/>, or the
    /// full model differs by more from TorchSharp's decoder run on ONNX Runtime's codes.</exception>
    public static Result Build(Source source, float[] rows, int count, float[]? calibration = null)
    {
        (AutoEncoderModel model, TrainingConfig config) = (source.Model, source.Config);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using nn.Module<Tensor, Tensor> output = config.LossKind == ReconstructionLoss.Bce ? nn.Sigmoid() : nn.Identity();
        using var scaling = new ScalingModule(source.Scaler);

        Tensor input = tensor(rows, [count, config.Model.InputSize]);
        float[] codes = InChunks(input, x => model.Encoder.forward(scaling.forward(x)));
        // A variational encoder's second output, held to the same gate as its codes.
        float[]? logVariance = model.LogVariance is null ? null : InChunks(input, x => model.EncodeDistribution(scaling.forward(x)).LogVariance);
        var references = new Dictionary<ModelRole, (float[] Input, float[] Output)>
        {
            [ModelRole.Encoder] = (rows, codes),
            [ModelRole.Decoder] = (codes, InChunks(tensor(codes, [count, config.Model.Latent]), x => output.forward(model.Decoder.forward(x)))),
            [ModelRole.Autoencoder] = (rows, InChunks(input, x => output.forward(model.forward(scaling.forward(x))))),
        };

        var files = new Dictionary<ModelRole, byte[]>();
        var parity = new Dictionary<ModelRole, double>();
        // Without a reconstruction term the decoder was never trained: only the encoder is exported.
        foreach (ModelRole role in config.TrainsDecoder ? ModelRoles.All : [ModelRole.Encoder])
        {
            ModelProto proto = OnnxExporter.Export(Spec(role, source, scaling, output), Metadata(role, source), Converters);
            (float[] refInput, float[] refOutput) = references[role];
            float[] actual;
            if (role == ModelRole.Encoder && logVariance is not null)
            {
                float[][] outputs = OrtRunner.RunOutputs(proto.ToByteArray(), refInput, count, TensorNames.Embedding, TensorNames.LogVariance);
                double varianceDifference = OrtRunner.MaxAbsDifference(logVariance, outputs[1]), varianceBound = ParityBound(logVariance);
                if (!(varianceDifference <= varianceBound))
                    throw new InvalidDataException(
                        $"{role.FileName()}: expected ONNX Runtime's {TensorNames.LogVariance} to match TorchSharp within {varianceBound:G}, found max |difference| {varianceDifference:G}; no files written");
                actual = outputs[0];
            }
            else actual = OrtRunner.Run(proto.ToByteArray(), refInput, count);
            double difference = OrtRunner.MaxAbsDifference(refOutput, actual), bound = ParityBound(refOutput);
            if (role == ModelRole.Autoencoder)
            {
                // The full model is the encoder's graph followed by the decoder's. End to end, the decoder can
                // amplify the float32 rounding of the 2-D codes far beyond 1e-4 (Fashion-MNIST's deep model
                // measured 3.3e-4 on an AVX2 host, 9.2e-5 on an AVX-512 one, with its encoder at 2e-5), which is
                // the network's conditioning, not the export's. So the gate takes the codes ONNX Runtime computes
                // (already held to the encoder's gate) and checks the rest against TorchSharp's decoder on them;
                // the end-to-end figure is still the one recorded.
                float[] onnxCodes = OrtRunner.RunOutputs(files[ModelRole.Encoder], rows, count, TensorNames.Embedding)[0];
                float[] decoded = InChunks(tensor(onnxCodes, [count, config.Model.Latent]), x => output.forward(model.Decoder.forward(x)));
                double composed = OrtRunner.MaxAbsDifference(decoded, actual);
                if (!(composed <= bound))
                    throw new InvalidDataException(
                        $"{role.FileName()}: expected ONNX Runtime to match TorchSharp's decoder on ONNX Runtime's own codes within {bound:G}, found max |difference| {composed:G}; no files written");
            }
            else if (!(difference <= bound))
                throw new InvalidDataException(
                    $"{role.FileName()}: expected ONNX Runtime to match TorchSharp within {bound:G} ({ParityTolerance:G} plus {ParityRelativeTolerance:G} of the largest output), found max |difference| {difference:G}; no files written");

            proto.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.ParityMaxAbsDiff, Value = Format(difference) });
            proto.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.ParityRows, Value = count.ToString(CultureInfo.InvariantCulture) });
            if (role == ModelRole.Autoencoder)
            {
                // How AnomalyDetector scores rows with this model; calibrated only for a one-class model.
                proto.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.AnomalyScore, Value = config.Score.ToString().ToLowerInvariant() });
                if (calibration is not null) proto.MetadataProps.Add(AnomalyCalibration.Metadata(proto, config, calibration));
            }
            files[role] = proto.ToByteArray();
            parity[role] = difference;
        }
        return new Result(files, parity);
    }

    private static OnnxExporter.GraphSpec Spec(ModelRole role, Source source, ScalingModule scaling, nn.Module output)
    {
        ModelConfig shape = source.Config.Model;
        int input = shape.InputSize, latent = shape.Latent;
        (string, nn.Module)[] head = source.Scaler.IsIdentity ? [] : [("scaling", scaling)];
        (string, nn.Module)[] encoder = [.. head, .. Stages(source.Model.EncoderPlan)], decoder = [.. Stages(source.Model.DecoderPlan), ("output", output)];
        string rows = source.Image is { } image ? $"{image} images ({Describe(source.Scaler.Rule)})" : $"rows of {input} features ({Describe(source.Scaler.Rule)})";
        string outputs = source.Config.LossKind == ReconstructionLoss.Bce ? "probabilities in [0, 1]" : "values";
        return role switch
        {
            ModelRole.Encoder => new(RoleNames.Encoder, TensorNames.Pixels, [input], TensorNames.Embedding, encoder,
                source.Model.LogVariance is not null
                    ? $"Variational encoder ({shape}): {rows} → the {latent}-D posterior's mean ({TensorNames.Embedding}) and log-variance ({TensorNames.LogVariance})."
                    : $"Autoencoder encoder ({shape}): {rows} → {latent}-D code.",
                // The log-variance head reads what the code layer, the encoder's last stage, reads.
                source.Model.LogVariance is { } logVariance ? [new OnnxExporter.GraphBranch(TensorNames.LogVariance, encoder.Length - 1, [("log_variance", logVariance)])] : null),
            ModelRole.Decoder => new(RoleNames.Decoder, TensorNames.Embedding, [latent], TensorNames.Reconstruction, decoder,
                $"Autoencoder decoder ({shape}): {latent}-D code → reconstructed {outputs} in the scaled training space."),
            _ => new(RoleNames.Autoencoder, TensorNames.Pixels, [input], TensorNames.Reconstruction, [.. encoder, .. decoder],
                $"Autoencoder ({shape}): {rows} → reconstructed {outputs} in the scaled training space."),
        };
    }

    private static string Describe(ScalingRule rule) => rule.Kind switch
    {
        "none" => "unscaled",
        "divide" => $"divided by {rule.Divisor.ToString(CultureInfo.InvariantCulture)} in the graph",
        _ => $"{rule.Kind} scaling in the graph",
    };

    /// <summary>The plan's layers as exporter stages, each named by its place in the module tree.</summary>
    private static (string, nn.Module)[] Stages(LayerPlan plan) => [.. plan.Layers.Select(layer => (layer.Scope, layer.Module))];

    private static IEnumerable<KeyValuePair<string, string>> Metadata(ModelRole role, Source source)
    {
        TrainingConfig config = source.Config;
        List<KeyValuePair<string, string>> entries =
        [
            new(MetadataKeys.Role, role.Name()),
            new(MetadataKeys.InputSize, config.Model.InputSize.ToString(CultureInfo.InvariantCulture)),
            new(MetadataKeys.LatentSize, config.Model.Latent.ToString(CultureInfo.InvariantCulture)),
        ];
        if (source.Image is { } image)
        {
            // Rows of images hold intensities byte / ImageBytes.Divisor: the byte overloads of AutoEncoder.Inference divide so.
            entries.Add(new(MetadataKeys.ImageShape, ImageShapeText.Format(image.Channels, image.Height, image.Width)));
            entries.Add(new(MetadataKeys.InputDivisor, ImageBytes.Divisor.ToString(CultureInfo.InvariantCulture)));
        }
        else entries.Add(new(MetadataKeys.InputDivisor, "1")); // a table's bytes are its numbers
        entries.Add(new(MetadataKeys.InputScaling, source.Scaler.IsIdentity
            ? JsonSerializer.Serialize(new { rule = config.Scaling }, Json.Compact)
            : JsonSerializer.Serialize(new
            {
                rule = config.Scaling,
                formula = "scaled = (raw - offset) * scale, computed by the graph's first nodes (Sub, Mul)",
                offset = source.Scaler.Offset,
                scale = source.Scaler.Scale,
            }, Json.Compact)));
        if (role != ModelRole.Encoder)
            entries.Add(new(MetadataKeys.OutputSpace, config.LossKind == ReconstructionLoss.Bce
                ? "scaled training space, sigmoid probabilities; raw = output / scale + offset (input_scaling)"
                : "scaled training space, linear; raw = output / scale + offset (input_scaling)"));
        if (config.Objective != TrainingObjective.Reconstruction)
            entries.Add(new(MetadataKeys.Objective, config.Objective switch
            {
                TrainingObjective.Umap => "umap: codes trained with UMAP's cross-entropy on the training rows' neighbour graph; no decoder or full model was trained or exported",
                TrainingObjective.UmapReconstruction => "umap+reconstruction: UMAP's cross-entropy on the codes plus the decoder's reconstruction loss",
                _ => $"vae: the negative ELBO, the reconstruction's negative log-likelihood ({(config.LossKind == ReconstructionLoss.Bce ? "Bernoulli" : "unit-variance Gaussian")}) summed over features plus {config.KlWeight.ToString("R", CultureInfo.InvariantCulture)} × KL to the prior; " +
                     "the encoder's embedding is the posterior's mean, the full model decodes it",
            }));
        if (config.Objective == TrainingObjective.Vae) entries.Add(new(MetadataKeys.Prior, MetadataKeys.StandardNormalPrior));
        entries.Add(new(MetadataKeys.TrainingConfig, JsonSerializer.Serialize(config, Json.Compact)));
        entries.Add(new(MetadataKeys.DataSha256, JsonSerializer.Serialize(source.DataChecksums, Json.Compact)));
        bool reconstruction = config.Objective == TrainingObjective.Reconstruction;
        // A UMAP run's test loss is its cross-entropy on a fixed sample of graph edges; a variational run's the negative ELBO per row.
        entries.Add(new(MetadataKeys.Loss, reconstruction ? config.LossKind.ToString().ToLowerInvariant() : config.IsUmap ? "umap" : "negative_elbo"));
        entries.Add(new(MetadataKeys.TestLoss, Format(source.TestLoss)));
        // Denoising and sparse runs measure their own objective (corrupted inputs, the L1 term), not the clean BCE.
        if (reconstruction && config.Noise is null && config.ActivityL1 is not > 0 && config.LossKind == ReconstructionLoss.Bce) entries.Add(new(MetadataKeys.TestBce, Format(source.TestLoss)));
        return entries;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
