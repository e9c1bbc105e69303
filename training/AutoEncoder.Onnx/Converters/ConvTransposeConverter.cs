// Emits: ConvTranspose(X [batch, C, H, W], W [C, M/group, kH, kW], B [M]; kernel_shape, strides, pads,
// output_padding, dilations, group) -> [batch, M, H', W'], H' = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1,
// as torch's ConvTranspose2d; its weight layout is ONNX's. Minimum opset 11.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="ConvTranspose2d"/> (zero padding) to a ConvTranspose node.</summary>
internal sealed class ConvTransposeConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(ConvTranspose2d);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var conv = (ConvTranspose2d)module;
        Convolutions.RequireZeroPadding(conv, scope);
        GraphBuilder graph = context.Graph;
        long[] shape = ExportContext.OutputShapeOf(conv, scope, Convolutions.ImageShape(graph, input, conv.in_channels, scope, "ConvTranspose2d"));
        return graph.AddNode("ConvTranspose", minimumOpset: 11, Convolutions.Inputs(graph, input, conv, scope), output: null, shape, scope,
            GraphBuilder.IntsAttribute("kernel_shape", conv.kernel_size),
            GraphBuilder.IntsAttribute("strides", conv.stride),
            GraphBuilder.IntsAttribute("pads", Convolutions.Pads(conv)),
            GraphBuilder.IntsAttribute("output_padding", conv.output_padding),
            GraphBuilder.IntsAttribute("dilations", conv.dilation),
            GraphBuilder.IntAttribute("group", conv.groups));
    }
}
