using TorchSharp;

namespace AutoEncoder.Training.Onnx;

/// <summary>What a converter works with: the graph being built and the registry, for containers that recurse.</summary>
internal sealed class ExportContext(GraphBuilder graph, ConverterRegistry converters)
{
    /// <summary>The graph being built.</summary>
    public GraphBuilder Graph { get; } = graph;

    /// <summary>Converts a (child) module with the converter registered for its type.</summary>
    public string Convert(torch.nn.Module module, string scope, string input) =>
        converters.Find(module).Convert(module, scope, input, this);
}
