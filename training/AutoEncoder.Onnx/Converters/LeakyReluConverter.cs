// Emits: LeakyRelu(X [batch, …]; alpha = negative_slope) -> same shape. Minimum opset 6.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="LeakyReLU"/>, carrying its negative slope as the alpha attribute.</summary>
internal sealed class LeakyReluConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(LeakyReLU);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context) =>
        context.Graph.AddNode("LeakyRelu", minimumOpset: 6, [input], output: null, context.Graph.ShapeOf(input), scope,
            GraphBuilder.FloatAttribute("alpha", (float)((LeakyReLU)module).negative_slope));
}
