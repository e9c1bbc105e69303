// Emits: Conv(X [batch, C, H, W], W [M, C/group, kH, kW], B [M]; kernel_shape, strides, pads, dilations,
// group) -> [batch, M, H', W']. torch's Conv2d weight layout is ONNX's; padding "same" becomes the
// asymmetric pads PyTorch applies (the odd pixel at the end). Minimum opset 11.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="Conv2d"/> (zero padding) to a Conv node.</summary>
internal sealed class ConvConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(Conv2d);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var conv = (Conv2d)module;
        Convolutions.RequireZeroPadding(conv, scope);
        GraphBuilder graph = context.Graph;
        long[] shape = ExportContext.OutputShapeOf(conv, scope, Convolutions.ImageShape(graph, input, conv.in_channels, scope, "Conv2d"));
        return graph.AddNode("Conv", minimumOpset: 11, Convolutions.Inputs(graph, input, conv, scope), output: null, shape, scope,
            GraphBuilder.IntsAttribute("kernel_shape", conv.kernel_size),
            GraphBuilder.IntsAttribute("strides", conv.stride),
            GraphBuilder.IntsAttribute("pads", Convolutions.Pads(conv)),
            GraphBuilder.IntsAttribute("dilations", conv.dilation),
            GraphBuilder.IntAttribute("group", conv.groups));
    }
}
