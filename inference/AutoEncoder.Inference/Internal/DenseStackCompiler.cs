using System.Numerics;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Reads a graph into the layers <see cref="DenseStack"/> runs, or says why it cannot: the kernel's half that
/// knows ONNX (node kinds, attributes, weight layouts), so that the runtime half knows only arrays.
/// </summary>
internal static class DenseStackCompiler
{
    /// <summary>The operators the kernel runs, for messages.</summary>
    public const string SupportedOperators = "a leading Sub and/or Mul by constant vectors, then Gemm (transA = 0, alpha = beta = 1, constant weights), Relu, LeakyRelu, Tanh, Sigmoid and Identity";

    /// <summary>
    /// Compiles <paramref name="graph"/> when it is a chain of supported nodes; otherwise returns null and
    /// says why in <paramref name="reason"/>. A size limit is where ONNX Runtime starts to win, not what the
    /// kernel can run.
    /// </summary>
    /// <param name="graph">The model's main graph.</param>
    /// <param name="maxMultiplyAdds">Most multiply-adds per row to accept; null for any size.</param>
    /// <param name="threads">Most threads one batch is split over; null for all cores.</param>
    /// <param name="reason">Why the graph was refused; empty when it was compiled.</param>
    /// <param name="output">The output the chain ends at, in a graph of several outputs (the nodes after it are
    /// not run); null for a graph of one output.</param>
    public static DenseStack? TryCompile(GraphProto graph, long? maxMultiplyAdds, int? threads, out string reason, string? output = null)
    {
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto tensor in graph.Initializer) initializers[tensor.Name] = tensor;
        string[] inputs = [.. graph.Input.Select(i => i.Name).Where(name => !initializers.ContainsKey(name))];
        if (inputs.Length != 1 || (output is null ? graph.Output.Count != 1 : graph.Output.All(o => o.Name != output)))
        {
            reason = output is null ? $"expected one input and one output, found {inputs.Length} and {graph.Output.Count}"
                : $"expected one input and an output named '{output}', found {inputs.Length} inputs and outputs {string.Join(", ", graph.Output.Select(o => o.Name))}";
            return null;
        }
        string end = output ?? graph.Output[0].Name;

        var layers = new List<DenseLayer>();
        string value = inputs[0];
        int width = (int)(graph.Input.Single(i => i.Name == value).Type?.TensorType?.Shape?.Dim.LastOrDefault()?.DimValue ?? 0);
        InputScaling? scaling = width > 0 ? InputScaling.Read(graph, value, width, initializers) : null;
        if (scaling is not null) value = scaling.Output;
        foreach (NodeProto node in graph.Node.Skip(scaling?.NodeCount ?? 0))
        {
            if (value == end) break;
            string name = $"node '{node.Name}' ({node.OpType})";
            if (node.Domain is not ("" or "ai.onnx") || node.Input.Count == 0 || node.Input[0] != value || node.Output.Count != 1)
            {
                reason = $"{name} does not continue a single chain of standard operators";
                return null;
            }
            if (node.OpType == "Gemm")
            {
                DenseLayer? layer = Gemm(node, initializers);
                if (layer is null || (layers.Count > 0 && layers[^1].Outputs != layer.Inputs))
                {
                    reason = $"{name} is not a Gemm with transA = 0, alpha = beta = 1 and constant weights of matching width";
                    return null;
                }
                layers.Add(layer);
            }
            else if (layers.Count == 0 || !TryAddActivation(node, layers[^1].Activations))
            {
                reason = $"{name} is not supported here; the kernel runs {SupportedOperators}, starting with a Gemm";
                return null;
            }
            value = node.Output[0];
        }
        if (layers.Count == 0 || value != end)
        {
            reason = "the graph's output is not the end of a chain that starts with a Gemm";
            return null;
        }
        long multiplyAdds = layers.Sum(l => (long)l.Inputs * l.Outputs);
        if (multiplyAdds > maxMultiplyAdds)
        {
            reason = $"{multiplyAdds:N0} multiply-adds per row exceed the {maxMultiplyAdds:N0} up to which the kernel beats ONNX Runtime";
            return null;
        }
        if (scaling is not null && layers[0].Inputs != scaling.Offset.Length)
        {
            reason = $"the input scaling has {scaling.Offset.Length} values, the first Gemm {layers[0].Inputs} inputs";
            return null;
        }
        reason = "";
        return new DenseStack([.. layers], scaling, threads);
    }

    private static DenseLayer? Gemm(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        if (Attribute(node, "transA", 0) != 0 || Attribute(node, "alpha", 1) != 1 || Attribute(node, "beta", 1) != 1) return null;
        if (node.Input.Count is < 2 or > 3 || !initializers.TryGetValue(node.Input[1], out TensorProto? weight) || weight.Dims.Count != 2)
            return null;

        bool transposed = Attribute(node, "transB", 0) != 0; // W stored [out, in] when transB = 1, else [in, out]
        int outputs = (int)(transposed ? weight.Dims[0] : weight.Dims[1]), inputs = (int)(transposed ? weight.Dims[1] : weight.Dims[0]);
        float[] values = TensorValues.Floats(weight);
        if (weight.DataType != (int)TensorProto.Types.DataType.Float || values.Length != (long)inputs * outputs) return null;
        float[] bias = new float[outputs];
        if (node.Input.Count == 3 && node.Input[2].Length > 0)
        {
            if (!initializers.TryGetValue(node.Input[2], out TensorProto? b) || b.Dims.Count != 1 ||
                b.DataType != (int)TensorProto.Types.DataType.Float || (bias = TensorValues.Floats(b)).Length != outputs)
                return null;
        }

        // Few outputs: one dot product per output over W's rows. Many: one axpy per input over W's columns.
        bool byOutput = outputs < Vector<float>.Count * 2;
        var weights = new float[inputs * outputs];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++)
            {
                float w = transposed ? values[o * inputs + i] : values[i * outputs + o];
                weights[byOutput ? o * inputs + i : i * outputs + o] = w;
            }
        return new DenseLayer(inputs, outputs, weights, byOutput, bias, []);
    }

    private static bool TryAddActivation(NodeProto node, List<(DenseFunction, float)> activations)
    {
        if (node.Input.Count != 1) return false;
        (DenseFunction kind, float alpha)? activation = node.OpType switch
        {
            "Relu" => (DenseFunction.Relu, 0f),
            "LeakyRelu" => (DenseFunction.LeakyRelu, (float)Attribute(node, "alpha", 0.01)),
            "Tanh" => (DenseFunction.Tanh, 0f),
            "Sigmoid" => (DenseFunction.Sigmoid, 0f),
            "Identity" => (DenseFunction.None, 0f),
            _ => null,
        };
        if (activation is not { } a) return false;
        activations.Add(a);
        return true;
    }

    /// <summary>A numeric attribute of <paramref name="node"/> (int or float), or <paramref name="otherwise"/> when absent.</summary>
    private static double Attribute(NodeProto node, string name, double otherwise)
    {
        AttributeProto? attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
        return attribute switch
        {
            null => otherwise,
            { HasI: true } => attribute.I,
            { HasF: true } => attribute.F,
            _ => double.NaN, // present but neither int nor float: matches no supported value
        };
    }
}
