// Emits: <OpType>(X [batch, …]) -> same shape, element-wise, no attributes (Relu, Sigmoid, Tanh).
// Minimum opset 6 for each (the signature without the legacy consumed_inputs attribute).
using TorchSharp;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts a parameterless element-wise activation module to the ONNX operator of the same function.</summary>
internal sealed class ActivationConverter<TModule>(string opType, long minimumOpset) : IModuleConverter
    where TModule : torch.nn.Module
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context) =>
        context.Graph.AddNode(opType, minimumOpset, [input], output: null, context.Graph.ShapeOf(input), scope);
}
