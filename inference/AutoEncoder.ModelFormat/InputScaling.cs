using System.Numerics;
using System.Runtime.InteropServices;
using AutoEncoder.Onnx.Schema;

namespace AutoEncoder.ModelFormat;

/// <summary>
/// The per-feature scaling an exported graph begins with, <c>(x − offset) · scale</c> as a Sub and/or a Mul
/// by constant vectors: the one place the scaling is written (by the exporter) and read back (by the
/// library, which compares reconstructions with rows in this space and runs it before its managed kernel's
/// first Gemm, and by the training app's evaluation). <see cref="Apply"/> computes the same float32
/// operations in the same order as ONNX Runtime.
/// </summary>
internal sealed class InputScaling
{
    private InputScaling(float[] offset, float[] scale, int nodes, string output)
    {
        Offset = offset;
        Scale = scale;
        NodeCount = nodes;
        Output = output;
    }

    /// <summary>Subtracted from each feature (zeros when the graph has no Sub).</summary>
    public float[] Offset { get; }

    /// <summary>Multiplies each centred feature (ones when the graph has no Mul).</summary>
    public float[] Scale { get; }

    /// <summary>How many of the graph's first nodes compute the scaling (1 or 2).</summary>
    public int NodeCount { get; }

    /// <summary>The value the scaling writes: the input of the first layer.</summary>
    public string Output { get; }

    /// <summary>
    /// The scaling at the head of <paramref name="graph"/>: the first node is <c>Sub(input, c)</c> and/or
    /// then <c>Mul(_, c)</c>, with c a float vector of <paramref name="width"/> constants; null when it does not begin so.
    /// </summary>
    public static InputScaling? Read(GraphProto graph, string input, int width, IReadOnlyDictionary<string, TensorProto> initializers)
    {
        float[]? offset = null, scale = null;
        string value = input;
        int nodes = 0;
        foreach (NodeProto node in graph.Node.Take(2))
        {
            if (node.Domain is not ("" or "ai.onnx") || node.Input.Count != 2 || node.Input[0] != value || node.Output.Count != 1 ||
                !initializers.TryGetValue(node.Input[1], out TensorProto? constant) || constant.Dims.Count != 1 || constant.Dims[0] != width ||
                constant.DataType != (int)TensorProto.Types.DataType.Float)
                break;
            if (node.OpType == "Sub" && nodes == 0) offset = TensorValues.Floats(constant);
            else if (node.OpType == "Mul" && scale is null) scale = TensorValues.Floats(constant);
            else break;
            if ((offset ?? scale)!.Length != width) return null;
            value = node.Output[0];
            nodes++;
        }
        if (nodes == 0) return null;
        return new InputScaling(offset ?? new float[width], scale ?? [.. Enumerable.Repeat(1f, width)], nodes, value);
    }

    /// <summary>
    /// The scaling at the head of <paramref name="model"/>'s graph, read from its first input (a row of
    /// <paramref name="width"/> features); null when the graph does not begin with one.
    /// </summary>
    public static InputScaling? Read(ModelProto model, int width)
    {
        var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (TensorProto tensor in model.Graph.Initializer) initializers[tensor.Name] = tensor;
        return model.Graph.Input.Count == 0 ? null : Read(model.Graph, model.Graph.Input[0].Name, width, initializers);
    }

    /// <summary>Writes <c>(raw[i] − Offset[i]) · Scale[i]</c> into <paramref name="scaled"/>.</summary>
    public void Apply(ReadOnlySpan<float> raw, Span<float> scaled)
    {
        ReadOnlySpan<Vector<float>> x = MemoryMarshal.Cast<float, Vector<float>>(raw);
        ReadOnlySpan<Vector<float>> o = MemoryMarshal.Cast<float, Vector<float>>(Offset), s = MemoryMarshal.Cast<float, Vector<float>>(Scale);
        Span<Vector<float>> y = MemoryMarshal.Cast<float, Vector<float>>(scaled);
        for (int v = 0; v < x.Length; v++) y[v] = (x[v] - o[v]) * s[v];
        for (int i = x.Length * Vector<float>.Count; i < raw.Length; i++) scaled[i] = (raw[i] - Offset[i]) * Scale[i];
    }
}
