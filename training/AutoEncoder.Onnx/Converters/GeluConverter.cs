// Emits, for opset 17 (ONNX's own Gelu operator arrived in opset 20):
//   exact:  y = x · 0.5 · (1 + Erf(x · 1/√2))                         Mul, Erf, Add, Mul, Mul
//   tanh:   y = x · 0.5 · (1 + Tanh(√(2/π) · (x + 0.044715 · x³)))    Mul, Mul, Mul, Add, Mul, Tanh, Add, Mul, Mul
// as torch's GELU(approximate = none | tanh). Minimum opset 13 (Erf for float, Mul/Add broadcasting).
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="GELU"/> to the element-wise nodes of its formula.</summary>
internal sealed class GeluConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(GELU);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        GraphBuilder graph = context.Graph;
        long[] shape = graph.ShapeOf(input);
        string Constant(string name, double value) => graph.AddInitializer($"{scope}.{name}", [(float)value]);
        string Node(string op, params string[] inputs) => graph.AddNode(op, minimumOpset: 13, inputs, output: null, shape, scope);

        string inner = ((GELU)module).approximate == GELU.Approximate.tanh
            ? Node("Tanh", Node("Mul", Node("Add", input, Node("Mul", Node("Mul", Node("Mul", input, input), input), Constant("cubic", 0.044715))),
                Constant("sqrt_2_over_pi", Math.Sqrt(2 / Math.PI))))
            : Node("Erf", Node("Mul", input, Constant("inv_sqrt2", 1 / Math.Sqrt(2))));
        return Node("Mul", Node("Mul", input, Node("Add", inner, Constant("one", 1))), Constant("half", 0.5));
    }
}
