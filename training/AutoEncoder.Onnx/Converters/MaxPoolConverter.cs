// Emits: MaxPool(X [batch, C, H, W]; kernel_shape, strides, pads, dilations, ceil_mode) -> [batch, C, H', W'],
// torch's MaxPool2d (whose stride defaults to the kernel size). Minimum opset 12 (dilations).
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="MaxPool2d"/> to a MaxPool node.</summary>
internal sealed class MaxPoolConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(MaxPool2d);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var pool = (MaxPool2d)module;
        GraphBuilder graph = context.Graph;
        long[] shape = ExportContext.OutputShapeOf(pool, scope, graph.ShapeOf(input));
        long[] padding = pool.padding ?? [0, 0];
        return graph.AddNode("MaxPool", minimumOpset: 12, [input], output: null, shape, scope,
            GraphBuilder.IntsAttribute("kernel_shape", pool.kernel_size),
            GraphBuilder.IntsAttribute("strides", pool.stride ?? pool.kernel_size),
            GraphBuilder.IntsAttribute("pads", [padding[0], padding[1], padding[0], padding[1]]),
            GraphBuilder.IntsAttribute("dilations", pool.dilation ?? [1, 1]),
            GraphBuilder.IntAttribute("ceil_mode", pool.ceil_mode ? 1 : 0));
    }
}
