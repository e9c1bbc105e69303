// Emits: Elu(X; alpha) -> same shape: x for x > 0, alpha·(eˣ − 1) otherwise. Minimum opset 6.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="ELU"/> to an Elu node.</summary>
internal sealed class EluConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(ELU);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context) =>
        context.Graph.AddNode("Elu", minimumOpset: 6, [input], output: null, context.Graph.ShapeOf(input), scope,
            GraphBuilder.FloatAttribute("alpha", (float)((ELU)module).alpha));
}
