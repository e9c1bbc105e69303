using System.Globalization;
using System.Text;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.Export;

namespace AutoEncoder.Training.Artifacts;

/// <summary>
/// Lays exported models out as a Triton Inference Server model repository: one folder per model holding
/// <c>config.pbtxt</c> (platform onnxruntime_onnx, max_batch_size, inputs and outputs without the batch
/// dimension, dynamic batching) and a version folder <c>1/model.onnx</c>. The configs are read off the ONNX
/// graphs themselves, so names, types and sizes cannot drift from the files.
/// </summary>
internal static class TritonRepository
{
    /// <summary>Largest batch Triton forms; the graphs' batch dimension is symbolic, so any size runs.</summary>
    public const int MaxBatchSize = 1024;

    /// <summary>
    /// Writes a repository for the models in <paramref name="modelsDir"/> (the encoder, and the decoder and full
    /// model where the run exported them: a UMAP model has an encoder only) into <paramref name="repository"/>,
    /// naming them <c>{prefix}encoder</c> and so on; returns the model names. Each model's folder is built
    /// beside the repository and moved into place whole, so a failure leaves no half-written model.
    /// </summary>
    /// <exception cref="FileNotFoundException">The encoder is missing.</exception>
    /// <exception cref="InvalidDataException">A model is not an ONNX file with one float input and output of shape [batch, n].</exception>
    public static IReadOnlyList<string> Write(string modelsDir, string repository, string prefix = "")
    {
        string encoder = Path.Combine(modelsDir, ModelRole.Encoder.FileName());
        if (!File.Exists(encoder)) throw new FileNotFoundException($"{encoder}: expected the exported encoder model", encoder);
        var staged = new List<(string Name, string Folder)>();
        string staging = Path.Combine(repository, $".staging-{Guid.NewGuid():N}");
        try
        {
            foreach (ModelRole role in ModelRoles.All)
            {
                string file = Path.Combine(modelsDir, role.FileName());
                if (!File.Exists(file)) continue;
                byte[] bytes = File.ReadAllBytes(file);
                string name = prefix + role.Name();
                string folder = Path.Combine(staging, name);
                Directory.CreateDirectory(Path.Combine(folder, "1"));
                File.WriteAllBytes(Path.Combine(folder, "1", "model.onnx"), bytes);
                File.WriteAllText(Path.Combine(folder, "config.pbtxt"), Config(name, Parse(bytes, file)));
                staged.Add((name, folder));
            }
            foreach ((string name, string folder) in staged)
            {
                string target = Path.Combine(repository, name);
                if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
                Directory.Move(folder, target);
            }
            return [.. staged.Select(s => s.Name)];
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// The config.pbtxt of model <paramref name="name"/> whose file is <paramref name="model"/>. The model's metadata
    /// travels as Triton parameters, so that a client can read the anomaly threshold and what the score is without
    /// the ONNX file; a full model's output is explained in <c>anomaly_score_definition</c>.
    /// </summary>
    public static string Config(string name, ModelProto model)
    {
        GraphProto graph = model.Graph;
        var text = new StringBuilder();
        text.AppendLine($"name: \"{name}\"");
        text.AppendLine("platform: \"onnxruntime_onnx\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"max_batch_size: {MaxBatchSize}");
        Tensors(text, "input", graph.Input.Where(i => graph.Initializer.All(t => t.Name != i.Name)));
        Tensors(text, "output", graph.Output);
        // Single rows from many clients are gathered into one ONNX Runtime call; 100 µs adds little latency
        // next to a network hop and lets concurrent requests share a batch.
        text.AppendLine("dynamic_batching { max_queue_delay_microseconds: 100 }");
        text.AppendLine("instance_group [ { count: 1, kind: KIND_CPU } ]");
        var parameters = model.MetadataProps.Where(p => p.Key != MetadataKeys.TrainingConfig).Select(p => (p.Key, p.Value)).ToList();
        if (model.MetadataProps.FirstOrDefault(p => p.Key == MetadataKeys.AnomalyScore)?.Value is { } score)
            parameters.Add(("anomaly_score_definition", ScoreDefinition(score)));
        foreach ((string key, string value) in parameters)
            text.AppendLine($"parameters {{ key: \"{Escape(key)}\" value: {{ string_value: \"{Escape(value)}\" }} }}");
        return text.ToString();
    }

    // What a full model's output means for each score it may declare: Triton serves the reconstruction, the
    // client computes the score from it.
    private static string ScoreDefinition(string score) => score switch
    {
        ScoreNames.Mse => "mean over features of (x - x̂)², x the input in the scaled space (input_scaling) and x̂ the output; above anomaly_threshold is an anomaly",
        ScoreNames.Bce => "mean over features of -[x ln x̂ + (1 - x) ln(1 - x̂)], x̂ clipped to [1e-7, 1 - 1e-7]; above anomaly_threshold is an anomaly",
        ScoreNames.Structural => "the residual x - x̂ of each channel blurred by a 5×5 binomial filter, squared and averaged over the row, divided by √(mean |x| + 0.001); above anomaly_threshold is an anomaly",
        _ => $"the score '{score}' of AutoEncoder.Inference's AnomalyDetector",
    };

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static void Tensors(StringBuilder text, string kind, IEnumerable<ValueInfoProto> values)
    {
        text.AppendLine($"{kind} [");
        text.AppendLine(string.Join(",\n", values.Select(v =>
            $"  {{ name: \"{v.Name}\", data_type: TYPE_FP32, dims: [ {string.Join(", ", v.Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue))} ] }}")));
        text.AppendLine("]");
    }

    private static ModelProto Parse(byte[] bytes, string file)
    {
        ModelProto model;
        GraphProto graph;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
            graph = model.Graph ?? throw new InvalidDataException($"{file}: expected an ONNX model, found no graph");
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{file}: expected an ONNX model, found bytes that do not parse ({e.Message})", e);
        }
        foreach (ValueInfoProto value in graph.Input.Concat(graph.Output))
        {
            var dims = value.Type?.TensorType?.Shape?.Dim;
            if (value.Type?.TensorType?.ElemType != (int)TensorProto.Types.DataType.Float || dims is not { Count: 2 } || dims[0].HasDimValue || !dims[1].HasDimValue)
                throw new InvalidDataException($"{file}: expected '{value.Name}' to be float32 of shape [batch, n], found another type or shape");
        }
        return model;
    }
}
