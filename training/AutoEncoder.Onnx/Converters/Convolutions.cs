using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>What the convolution converters share: input checks, weights and pads.</summary>
internal static class Convolutions
{
    /// <summary>The [C, H, W] shape of <paramref name="input"/>, checked against the layer's channels.</summary>
    public static long[] ImageShape(GraphBuilder graph, string input, long channels, string scope, string layer)
    {
        long[] shape = graph.ShapeOf(input);
        if (shape.Length != 3 || shape[0] != channels)
            throw new InvalidOperationException(
                $"{scope}: {layer} expects [{GraphBuilder.BatchDimension}, {channels}, height, width], but its input '{input}' has {GraphBuilder.Describe(shape)}");
        return shape;
    }

    /// <summary>Only zero padding has an ONNX equivalent in Conv's attributes.</summary>
    public static void RequireZeroPadding(Convolution conv, string scope)
    {
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"{scope}: {conv.GetType().Name} with padding_mode {conv.padding_mode} cannot be exported; supported: zeros");
    }

    /// <summary><paramref name="input"/>, the weight and (if any) the bias, as the node's inputs.</summary>
    public static List<string> Inputs(GraphBuilder graph, string input, Convolution conv, string scope)
    {
        List<string> inputs = [input, graph.AddInitializer($"{scope}.weight", Parameters.Values(conv.weight!), conv.weight!.shape)];
        if (conv.bias is { } bias) inputs.Add(graph.AddInitializer($"{scope}.bias", Parameters.Values(bias), bias.shape));
        return inputs;
    }

    /// <summary>ONNX pads [top, left, bottom, right] for torch's symmetric padding or its "same" / "valid" modes.</summary>
    public static long[] Pads(Convolution conv)
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
