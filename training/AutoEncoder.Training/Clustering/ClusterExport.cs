using System.Globalization;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.Export;
using Google.Protobuf;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace AutoEncoder.Training.Clustering;

/// <summary>
/// Builds <c>cluster.onnx</c>: an exported encoder's graph followed by a fitted clustering, so that one graph
/// maps raw rows to clusters. Outputs: <c>cluster</c> (int64 [batch], the most probable cluster, by ArgMax),
/// <c>probabilities</c> (float [batch, K], a Softmax of each component's weighted log-density) and the encoder's
/// <c>embedding</c>. The head takes the code's difference from every mean ([batch, K, D], by broadcasting), multiplies
/// each by its component's precision factor (one batched MatMul) and sums the squares: every ‖(x − μ_k)·P_k‖², the
/// difference taken first so that no large products cancel. Checked, like every export,
/// before it is returned: ONNX Runtime's probabilities against TorchSharp's on ONNX Runtime's own codes.
/// </summary>
internal static class ClusterExport
{
    /// <summary>Scope of the head's nodes and initializers.</summary>
    private const string Scope = "cluster";

    /// <summary>
    /// The cluster graph of <paramref name="encoder"/> (an exported encoder's bytes) and <paramref name="clusters"/>,
    /// checked on <paramref name="rows"/> (<paramref name="count"/> raw rows).
    /// </summary>
    /// <exception cref="InvalidDataException">The encoder's code width is not the clustering's, or ONNX Runtime disagrees with TorchSharp.</exception>
    public static byte[] Build(byte[] encoder, GaussianClusters clusters, float[] rows, int count)
    {
        ModelProto model = ModelProto.Parser.ParseFrom(encoder);
        GraphProto graph = model.Graph;
        ValueInfoProto embedding = graph.Output.Single();
        long width = embedding.Type.TensorType.Shape.Dim[^1].DimValue;
        if (embedding.Name != TensorNames.Embedding || width != clusters.Dimensions)
            throw new InvalidDataException(
                $"{RoleNames.FileName(RoleNames.Encoder)}: expected output '{TensorNames.Embedding}' of {clusters.Dimensions} values, found '{embedding.Name}' of {width}");

        GraphProto head = Head(clusters);
        graph.Name = RoleNames.Cluster;
        graph.Node.Add(head.Node);
        graph.Initializer.Add(head.Initializer);
        graph.ValueInfo.Add(head.ValueInfo);
        graph.Output.Clear();
        graph.Output.Add(head.Output);
        graph.Output.Add(embedding);
        string method = clusters.Method == ClusterMethod.Gmm
            ? "gmm: a Gaussian mixture with full covariances; probabilities are each component's posterior"
            : "kmeans: cluster = the nearest centroid; probabilities are posteriors under equal weights and the clusters' one shared spherical variance";
        graph.DocString = model.DocString =
            $"{model.DocString.TrimEnd('.')}, then {clusters.Clusters} clusters ({clusters.Method.ToString().ToLowerInvariant()}): → cluster (int64) and probabilities [batch, {clusters.Clusters}].";

        var keep = model.MetadataProps.Where(entry => entry.Key is not (MetadataKeys.Role or MetadataKeys.ParityMaxAbsDiff or MetadataKeys.ParityRows)).ToList();
        model.MetadataProps.Clear();
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.Role, Value = RoleNames.Cluster });
        model.MetadataProps.Add(keep);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.Clusters, Value = clusters.Clusters.ToString(CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.ClusterMethod, Value = method });

        double difference = Parity(encoder, model.ToByteArray(), clusters, rows, count);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.ParityMaxAbsDiff, Value = difference.ToString("R", CultureInfo.InvariantCulture) });
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKeys.ParityRows, Value = count.ToString(CultureInfo.InvariantCulture) });
        return model.ToByteArray();
    }

    /// <summary>The head alone: <c>embedding</c> [batch, D] → <c>cluster</c>, <c>probabilities</c>.</summary>
    private static GraphProto Head(GaussianClusters clusters)
    {
        int k = clusters.Clusters, d = clusters.Dimensions;
        var graph = new GraphBuilder(RoleNames.Cluster, OnnxExporter.Opset);
        string x = graph.AddInput(TensorNames.Embedding, d, "");
        // Reshape's 0 keeps the batch dimension: [batch, 1, D] − [K, D] broadcasts to [batch, K, D].
        string y = graph.AddNode("Reshape", 14, [x, graph.AddInt64Initializer($"{Scope}.code_shape", [0, 1, d])], null, [1, d], Scope);
        y = graph.AddNode("Sub", 14, [y, graph.AddInitializer($"{Scope}.means", Floats(clusters.Means), k, d)], null, [k, d], Scope);
        y = graph.AddNode("Reshape", 14, [y, graph.AddInt64Initializer($"{Scope}.row_shape", [0, k, 1, d])], null, [k, 1, d], Scope);
        y = graph.AddNode("MatMul", 13, [y, graph.AddInitializer($"{Scope}.precision_factors", Floats(clusters.PrecisionFactors), k, d, d)], null, [k, 1, d], Scope);
        y = graph.AddNode("Mul", 14, [y, y], null, [k, 1, d], Scope);
        string squared = graph.AddNode("ReduceSum", 13, [y, graph.AddInt64Initializer($"{Scope}.axes", [2, 3])], null, k, Scope,
            GraphBuilder.IntAttribute("keepdims", 0));
        string scaled = graph.AddNode("Mul", 14, [squared, graph.AddInitializer($"{Scope}.minus_half", [-0.5f])], null, k, Scope);
        string logits = graph.AddNode("Add", 14, [scaled, graph.AddInitializer($"{Scope}.log_constants", Floats(clusters.LogConstants()), k)], null, k, Scope);
        string probabilities = graph.AddNode("Softmax", 13, [logits], null, k, Scope, GraphBuilder.IntAttribute("axis", 1));
        graph.AddOutput(probabilities, TensorNames.Probabilities, $"float32 [batch, {k}]: each cluster's probability; rows sum to 1");
        string cluster = graph.AddNode("ArgMax", 13, [TensorNames.Probabilities], null, [], Scope,
            GraphBuilder.IntAttribute("axis", 1), GraphBuilder.IntAttribute("keepdims", 0));
        graph.AddOutput(cluster, TensorNames.Cluster, "int64 [batch]: the most probable cluster, 0 to K − 1", TensorProto.Types.DataType.Int64);
        // The answer first, as consumers listing the outputs (Triton's config) show it.
        ValueInfoProto first = graph.Graph.Output[^1];
        graph.Graph.Output.RemoveAt(graph.Graph.Output.Count - 1);
        graph.Graph.Output.Insert(0, first);
        return graph.Graph;
    }

    /// <summary>
    /// max |ONNX Runtime − TorchSharp| of the probabilities, TorchSharp's computed in float64 from ONNX Runtime's
    /// own codes (the encoder passed its own gate at export). Each row is held to the exporter's rule (numpy's
    /// allclose: <see cref="ModelExport.ParityTolerance"/> plus <see cref="ModelExport.ParityRelativeTolerance"/> of
    /// the largest magnitude) applied to its logits, since float32 rounds a logit in proportion to it: a code
    /// far from every mean in units of tight components has logits in the thousands, and a near-tie between two
    /// of them then moves in float32 by more than 1e-4 (1.3e-3 measured on MNIST with min_dist 0), which is the
    /// head's conditioning, not a wrong graph. Codes inside a cluster have logits of tens, so the gate stays
    /// within a few 1e-4 there, where a wrong graph would be off by whole probabilities. The clusters must agree
    /// wherever the two most probable are further apart than the row's bound.
    /// </summary>
    private static double Parity(byte[] encoder, byte[] model, GaussianClusters clusters, float[] rows, int count)
    {
        float[] codes = OrtRunner.Run(encoder, rows, count);
        using Tensor codeTensor = tensor(codes, [count, clusters.Dimensions]);
        (float[] expected, _) = clusters.Assign(codeTensor);
        double[] largestLogit;
        using (Tensor logits = clusters.WeightedLogDensities(codeTensor))
        using (Tensor largest = logits.max(1).values)
            largestLogit = largest.data<double>().ToArray();
        (float[] actual, long[] assigned) = OrtRunner.RunCluster(model, rows, count);
        int k = clusters.Clusters;
        double worst = 0;
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<float> p = actual.AsSpan(row * k, k);
            double difference = OrtRunner.MaxAbsDifference(expected.AsSpan(row * k, k), p);
            double bound = ModelExport.ParityTolerance + ModelExport.ParityRelativeTolerance * Math.Abs(largestLogit[row]);
            if (!(difference <= bound))
                throw new InvalidDataException(
                    $"{RoleNames.FileName(RoleNames.Cluster)}: row {row}: expected ONNX Runtime's probabilities to match TorchSharp's within {bound:G3}, found max |difference| {difference:G3}; no files written");
            int best = p.IndexOf(TensorPrimitives.Max(p));
            if (assigned[row] != best && p[best] - p[(int)assigned[row]] > bound)
                throw new InvalidDataException(
                    $"{RoleNames.FileName(RoleNames.Cluster)}: row {row}: expected cluster {best} (the most probable), found {assigned[row]}; no files written");
            worst = Math.Max(worst, difference);
        }
        return worst;
    }

    private static float[] Floats(double[] values) => [.. values.Select(v => (float)v)];
}
