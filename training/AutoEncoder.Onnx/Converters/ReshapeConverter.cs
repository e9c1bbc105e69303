// Emits: Reshape(X, shape = [0, d1, …]) -> [batch, d1, …]. The leading 0 copies the batch dimension from
// X, so the batch stays symbolic; the other sizes are what the module computes. Minimum opset 13.
using TorchSharp;

namespace AutoEncoder.Onnx.Converters;

/// <summary>
/// Converts a module that only rearranges dimensions after the batch (<c>Flatten</c>, <c>Unflatten</c>) to one
/// Reshape node; <c>keepsBatch</c> tells, from the module and its input's rank, that it leaves dimension 0 alone.
/// </summary>
internal sealed class ReshapeConverter<TModule>(Func<TModule, int, bool> keepsBatch) : IModuleConverter where TModule : torch.nn.Module
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        GraphBuilder graph = context.Graph;
        if (!keepsBatch((TModule)module, graph.ShapeOf(input).Length + 1))
            throw new NotSupportedException($"{scope}: {typeof(TModule).Name} over the batch dimension cannot be exported; it must start at dimension 1 or later");
        long[] shape = ExportContext.OutputShapeOf(module, scope, graph.ShapeOf(input));
        string target = graph.AddInt64Initializer($"{scope}.shape", [0, .. shape]);
        return graph.AddNode("Reshape", minimumOpset: 13, [input, target], output: null, shape, scope);
    }
}
