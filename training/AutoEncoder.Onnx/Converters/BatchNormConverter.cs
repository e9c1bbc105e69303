// Emits: BatchNormalization(X [batch, C, …], scale [C], B [C], input_mean [C], input_var [C]; epsilon)
// -> same shape: y = (x − mean) / √(var + ε) · scale + B, with the running statistics, as torch's
// BatchNorm1d/2d compute in eval mode. Kept as its own node rather than folded into the layer before it:
// the graph then shows the model as written, and ONNX Runtime folds it itself when it optimises.
// Minimum opset 15 (the signature with training_mode).
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts a batch normalisation in inference mode (<typeparamref name="TModule"/>: BatchNorm1d or BatchNorm2d) to a BatchNormalization node.</summary>
internal sealed class BatchNormConverter<TModule> : IModuleConverter where TModule : BatchNorm
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var norm = (BatchNorm)module;
        if (norm.training)
            throw new InvalidOperationException($"{scope}: {module.GetType().Name} is in training mode; call eval() before exporting");
        if (norm.running_mean is not { } mean || norm.running_var is not { } variance)
            throw new NotSupportedException($"{scope}: {module.GetType().Name} without running statistics (track_running_stats = false) normalises by each batch's own and cannot be exported");
        GraphBuilder graph = context.Graph;
        long[] shape = graph.ShapeOf(input);
        long channels = norm.num_features;
        if (shape.Length == 0 || shape[0] != channels)
            throw new InvalidOperationException($"{scope}: {module.GetType().Name} expects {channels} channels, but its input '{input}' has {GraphBuilder.Describe(shape)}");

        float[] scale = norm.weight is { } weight ? Parameters.Values(weight) : Enumerable.Repeat(1f, (int)channels).ToArray();
        float[] shift = norm.bias is { } bias ? Parameters.Values(bias) : new float[channels];
        List<string> inputs =
        [
            input,
            graph.AddInitializer($"{scope}.weight", scale, channels),
            graph.AddInitializer($"{scope}.bias", shift, channels),
            graph.AddInitializer($"{scope}.running_mean", Parameters.Values(mean), channels),
            graph.AddInitializer($"{scope}.running_var", Parameters.Values(variance), channels),
        ];
        return graph.AddNode("BatchNormalization", minimumOpset: 15, inputs, output: null, shape, scope,
            GraphBuilder.FloatAttribute("epsilon", (float)norm.eps));
    }
}
