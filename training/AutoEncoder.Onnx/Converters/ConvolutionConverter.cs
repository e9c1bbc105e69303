// Emits, for Conv2d:          Conv(X [batch, C, H, W], W [M, C/group, kH, kW], B [M]) -> [batch, M, H', W']
//        for ConvTranspose2d: ConvTranspose(X, W [C, M/group, kH, kW], B [M]; output_padding) -> [batch, M, H', W']
// with kernel_shape, strides, pads, dilations and group as torch's module holds them; torch's weight layouts
// are ONNX's. Padding "same" becomes the asymmetric pads PyTorch applies (the odd pixel at the end).
// Minimum opset 11.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="Conv2d"/> to Conv and <see cref="ConvTranspose2d"/> to ConvTranspose (zero padding only).</summary>
internal sealed class ConvolutionConverter<TModule> : IModuleConverter where TModule : Convolution
{
    private readonly string opType = typeof(TModule) == typeof(ConvTranspose2d) ? "ConvTranspose" : "Conv";

    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var conv = (Convolution)module;
        string layer = typeof(TModule).Name;
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"{scope}: {layer} with padding_mode {conv.padding_mode} cannot be exported; supported: zeros");
        GraphBuilder graph = context.Graph;
        long[] inputShape = graph.ShapeOf(input);
        if (inputShape.Length != 3 || inputShape[0] != conv.in_channels)
            throw new InvalidOperationException(
                $"{scope}: {layer} expects [{GraphBuilder.BatchDimension}, {conv.in_channels}, height, width], but its input '{input}' has {GraphBuilder.Describe(inputShape)}");

        List<string> inputs = [input, graph.AddInitializer($"{scope}.weight", Parameters.Values(conv.weight!), conv.weight!.shape)];
        if (conv.bias is { } bias) inputs.Add(graph.AddInitializer($"{scope}.bias", Parameters.Values(bias), bias.shape));
        long[] pads = Pads(conv), outputShape = ExportContext.OutputShapeOf(conv, scope, inputShape);
        List<Schema.AttributeProto> attributes =
        [
            GraphBuilder.IntsAttribute("kernel_shape", conv.kernel_size),
            GraphBuilder.IntsAttribute("strides", conv.stride),
            GraphBuilder.IntsAttribute("pads", pads),
            GraphBuilder.IntsAttribute("dilations", conv.dilation),
            GraphBuilder.IntAttribute("group", conv.groups),
        ];
        if (conv.transposed) attributes.Add(GraphBuilder.IntsAttribute("output_padding", OutputPadding(conv, pads, inputShape, outputShape)));
        return graph.AddNode(opType, minimumOpset: 11, inputs, output: null, outputShape, scope, [.. attributes]);
    }

    /// <summary>
    /// The output padding that gives the size the module computed, solved from ONNX's
    /// output = stride·(input − 1) + output_padding + dilation·(kernel − 1) + 1 − pad_begin − pad_end.
    /// Read from the module's output rather than its output_padding: TorchSharp 0.107's ConvTranspose2d
    /// applies the first value to both axes (output padding (1, 0) makes 4×4 at stride 3 into 13×13, where
    /// PyTorch's rule, and conv_transpose2d, make 13×12).
    /// </summary>
    static long[] OutputPadding(Convolution conv, long[] pads, long[] inputShape, long[] outputShape) =>
        [.. Enumerable.Range(0, 2).Select(axis => outputShape[axis + 1]
            - (conv.stride[axis] * (inputShape[axis + 1] - 1) + conv.dilation[axis] * (conv.kernel_size[axis] - 1) + 1 - pads[axis] - pads[axis + 2]))];

    /// <summary>ONNX pads [top, left, bottom, right] for torch's symmetric padding or its "same" / "valid" modes.</summary>
    static long[] Pads(Convolution conv)
    {
        if (conv.padding_type == Padding.Valid) return [0, 0, 0, 0];
        if (conv.padding_type == Padding.Same)
        {
            // PyTorch puts the odd pixel of a "same" padding at the end (bottom, right).
            long[] total = [conv.dilation[0] * (conv.kernel_size[0] - 1), conv.dilation[1] * (conv.kernel_size[1] - 1)];
            return [total[0] / 2, total[1] / 2, total[0] - total[0] / 2, total[1] - total[1] / 2];
        }
        long[] padding = conv.padding ?? [0, 0];
        return [padding[0], padding[1], padding[0], padding[1]];
    }
}
