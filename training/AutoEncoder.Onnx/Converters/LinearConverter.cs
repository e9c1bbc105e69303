// Emits: Gemm(A = input [batch, in], B = weight [out, in], C = bias [out]; transB = 1) -> [batch, out]
// Y = A · Bᵀ + C, exactly torch's linear(x) = x · Wᵀ + b. Minimum opset 11 (C optional since 11).
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="Linear"/> to a single Gemm node with transB = 1, as torch.onnx.export does.</summary>
internal sealed class LinearConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(Linear);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var linear = (Linear)module;
        GraphBuilder graph = context.Graph;
        long inputWidth = graph.WidthOf(input);
        if (inputWidth != linear.in_features)
            throw new InvalidOperationException(
                $"{scope}: Linear expects {linear.in_features} inputs, but its input '{input}' has {inputWidth}");

        List<string> inputs =
        [
            input,
            graph.AddInitializer($"{scope}.weight", Parameters.Values(linear.weight!), linear.out_features, linear.in_features),
        ];
        if (linear.bias is { } bias)
            inputs.Add(graph.AddInitializer($"{scope}.bias", Parameters.Values(bias), linear.out_features));

        return graph.AddNode("Gemm", minimumOpset: 11, inputs, output: null, linear.out_features, scope,
            GraphBuilder.IntAttribute("transB", 1));
    }
}
