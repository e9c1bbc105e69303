// Emits: Sub(X [batch, n], offset [n]) -> Mul(_, scale [n]) -> [batch, n], broadcasting over the batch.
// The same two float32 operations, in the same order, as FeatureScaler.Apply in training. Minimum opset 7
// (multidirectional broadcasting). A zero offset or a unit scale is left out.
using AutoEncoder.Onnx;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;
using TorchSharp;

namespace AutoEncoder.Training.Export.Converters;

/// <summary>Converts <see cref="ScalingModule"/> (per-feature input scaling) to Sub and Mul with constant vectors.</summary>
internal sealed class ScalingConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(ScalingModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        FeatureScaler scaler = ((ScalingModule)module).Scaler;
        GraphBuilder graph = context.Graph;
        long width = graph.WidthOf(input);
        if (width != scaler.Offset.Length)
            throw new InvalidOperationException($"{scope}: scaling expects {scaler.Offset.Length} inputs, but its input '{input}' has {width}");

        string value = input;
        if (scaler.Offset.Any(o => o != 0))
            value = graph.AddNode("Sub", 7, [value, graph.AddInitializer($"{scope}.offset", scaler.Offset, width)], null, width, scope);
        if (scaler.Scale.Any(s => s != 1))
            value = graph.AddNode("Mul", 7, [value, graph.AddInitializer($"{scope}.scale", scaler.Scale, width)], null, width, scope);
        return value;
    }
}
