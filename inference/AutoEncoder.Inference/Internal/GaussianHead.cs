using System.Numerics.Tensors;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The managed form of a cluster graph's head (training's <c>ClusterExport</c>): from a code x, each cluster's
/// logit c_k − ½·‖(x − μ_k)·P_k‖² and their softmax. Read only from a graph whose nodes after the embedding
/// are exactly that head's, so that it computes what the graph computes.
/// </summary>
internal sealed class GaussianHead
{
    /// <summary>The operators after the embedding, in order, that the head stands for.</summary>
    private static readonly string[] Operators = ["Reshape", "Sub", "Reshape", "MatMul", "Mul", "ReduceSum", "Mul", "Add", "Softmax", "ArgMax"];

    private readonly float[] means;     // [K, D]
    private readonly float[] columns;   // [K, D, D]: columns[k, j, :] is column j of P_k
    private readonly float[] constants; // [K]

    private GaussianHead(int clusters, int dimensions, float[] means, float[] columns, float[] constants)
    {
        (Clusters, Dimensions, this.means, this.columns, this.constants) = (clusters, dimensions, means, columns, constants);
    }

    /// <summary>Clusters, K.</summary>
    public int Clusters { get; }

    /// <summary>Values per code, D.</summary>
    public int Dimensions { get; }

    /// <summary>The head of <paramref name="graph"/>, or null when the nodes after the embedding are not exactly it.</summary>
    public static GaussianHead? TryRead(GraphProto graph)
    {
        int start = graph.Node.Count - Operators.Length;
        if (start < 1 || !graph.Node.Skip(start).Select(n => n.OpType).SequenceEqual(Operators) || graph.Node[start].Input[0] != TensorNames.Embedding)
            return null;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        NodeProto[] nodes = [.. graph.Node.Skip(start)];
        if (!initializers.TryGetValue(nodes[1].Input[1], out TensorProto? meanTensor) || meanTensor.Dims.Count != 2 ||
            !initializers.TryGetValue(nodes[3].Input[1], out TensorProto? factorTensor) || factorTensor.Dims.Count != 3 ||
            !initializers.TryGetValue(nodes[6].Input[1], out TensorProto? half) || TensorValues.Floats(half) is not [-0.5f] ||
            !initializers.TryGetValue(nodes[7].Input[1], out TensorProto? logConstants))
            return null;
        int k = (int)meanTensor.Dims[0], d = (int)meanTensor.Dims[1];
        float[] mu = TensorValues.Floats(meanTensor), p = TensorValues.Floats(factorTensor), c = TensorValues.Floats(logConstants);
        if (k < 1 || d < 1 || factorTensor.Dims[0] != k || factorTensor.Dims[1] != d || factorTensor.Dims[2] != d ||
            mu.Length != k * d || p.Length != k * d * d || c.Length != k)
            return null;
        var columns = new float[k * d * d];
        for (int cluster = 0; cluster < k; cluster++)
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) columns[(cluster * d + j) * d + i] = p[(cluster * d + i) * d + j];
        return new GaussianHead(k, d, mu, columns, c);
    }

    /// <summary>Writes the probabilities of <paramref name="code"/>'s clusters into <paramref name="probabilities"/> (K values summing to 1).</summary>
    public void Probabilities(ReadOnlySpan<float> code, Span<float> probabilities)
    {
        int d = Dimensions;
        Span<float> difference = stackalloc float[d];
        float largest = float.NegativeInfinity;
        for (int k = 0; k < Clusters; k++)
        {
            TensorPrimitives.Subtract(code, means.AsSpan(k * d, d), difference);
            float sum = 0;
            for (int j = 0; j < d; j++)
            {
                float y = TensorPrimitives.Dot(difference, columns.AsSpan((k * d + j) * d, d));
                sum += y * y;
            }
            float logit = constants[k] - 0.5f * sum;
            probabilities[k] = logit;
            largest = MathF.Max(largest, logit);
        }
        // Softmax as ONNX computes it: exponentials of the logits less their largest.
        TensorPrimitives.Subtract(probabilities, largest, probabilities);
        TensorPrimitives.Exp(probabilities, probabilities);
        TensorPrimitives.Divide(probabilities, TensorPrimitives.Sum(probabilities), probabilities);
    }
}
