// Emits: <OpType>(X [batch, …]; attributes) -> same shape, element-wise: Relu, Sigmoid, Tanh (no attributes),
// LeakyRelu (alpha = negative_slope), Elu (alpha). Minimum opset 6 for each (the signatures without the
// legacy consumed_inputs attribute).
using AutoEncoder.Onnx.Schema;
using TorchSharp;

namespace AutoEncoder.Onnx.Converters;

/// <summary>
/// Converts an element-wise activation module to the ONNX operator of the same function, with the
/// attributes <c>attributes</c> reads from the module (none by default).
/// </summary>
internal sealed class ActivationConverter<TModule>(string opType, long minimumOpset, Func<TModule, AttributeProto[]>? attributes = null)
    : IModuleConverter where TModule : torch.nn.Module
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context) =>
        context.Graph.AddNode(opType, minimumOpset, [input], output: null, context.Graph.ShapeOf(input), scope,
            attributes?.Invoke((TModule)module) ?? []);
}
