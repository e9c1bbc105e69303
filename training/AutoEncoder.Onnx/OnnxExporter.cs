using AutoEncoder.Onnx.Schema;
using TorchSharp;

namespace AutoEncoder.Onnx;

/// <summary>
/// Builds an ONNX model from TorchSharp modules applied one after another. The IR version and opset are
/// what torch.onnx.export emits for this model (IR 8, opset 17): ONNX Runtime ≥ 1.13, the official
/// checker and most runtimes accept them.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>ONNX IR version written into every model.</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset every model imports.</summary>
    public const long Opset = 17;

    /// <summary>Producer name written into every model.</summary>
    public const string ProducerName = "AutoEncoder";

    /// <summary>Describes one graph: its name, tensors and the modules it computes.</summary>
    /// <param name="GraphName">Name of the graph.</param>
    /// <param name="Input">Input tensor name.</param>
    /// <param name="InputShape">Dimensions of one input example (the batch dimension before them is symbolic).</param>
    /// <param name="Output">Output tensor name.</param>
    /// <param name="Stages">Modules applied in order, each with the scope that prefixes its names.</param>
    /// <param name="Doc">The graph's documentation string.</param>
    /// <param name="Branches">Further outputs, each computed from a value of the main chain (in the graph after it).</param>
    public sealed record GraphSpec(
        string GraphName, string Input, long[] InputShape, string Output,
        IReadOnlyList<(string Scope, torch.nn.Module Module)> Stages, string Doc, IReadOnlyList<GraphBranch>? Branches = null);

    /// <summary>A second output of a graph: modules applied to the value the main chain's stage <paramref name="From"/> reads.</summary>
    /// <param name="Output">Output tensor name.</param>
    /// <param name="From">Index of the main stage whose input the branch starts from.</param>
    /// <param name="Stages">Modules applied in order, each with the scope that prefixes its names.</param>
    public sealed record GraphBranch(string Output, int From, IReadOnlyList<(string Scope, torch.nn.Module Module)> Stages);

    /// <summary>
    /// Converts <paramref name="spec"/> into a model carrying <paramref name="metadata"/>, for opset
    /// <paramref name="opset"/> (default <see cref="Opset"/>) and a symbolic batch unless <paramref name="batchSize"/> is given.
    /// </summary>
    /// <exception cref="NotSupportedException">A module type has no converter, or needs a newer opset.</exception>
    public static ModelProto Export(GraphSpec spec, IEnumerable<KeyValuePair<string, string>> metadata,
        ConverterRegistry? converters = null, long opset = Opset, long? batchSize = null)
    {
        var graph = new GraphBuilder(spec.GraphName, opset, batchSize);
        graph.Graph.DocString = spec.Doc;
        var context = new ExportContext(graph, converters ?? ConverterRegistry.Default);

        string value = graph.AddInput(spec.Input, spec.InputShape, $"float32 {GraphBuilder.Describe(spec.InputShape)}");
        // The value each main stage reads, for the branches that start there.
        var inputs = new List<string>();
        foreach ((string scope, torch.nn.Module module) in spec.Stages)
        {
            inputs.Add(value);
            value = context.Convert(module, scope, value);
        }
        graph.AddOutput(value, spec.Output, $"float32 {GraphBuilder.Describe(graph.ShapeOf(value))}");
        foreach (GraphBranch branch in spec.Branches ?? [])
        {
            if (branch.From < 0 || branch.From >= inputs.Count)
                throw new ArgumentOutOfRangeException(nameof(spec), branch.From, $"branch '{branch.Output}': expected a main stage from 0 to {inputs.Count - 1}");
            string branchValue = inputs[branch.From];
            foreach ((string scope, torch.nn.Module module) in branch.Stages)
                branchValue = context.Convert(module, scope, branchValue);
            graph.AddOutput(branchValue, branch.Output, $"float32 {GraphBuilder.Describe(graph.ShapeOf(branchValue))}");
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            ModelVersion = 1,
            DocString = spec.Doc,
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach ((string key, string text) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = text });
        return model;
    }
}
