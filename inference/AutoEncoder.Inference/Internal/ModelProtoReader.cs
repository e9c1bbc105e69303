using System.Buffers.Binary;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using Google.Protobuf;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Reads model bytes through the generated ONNX schema classes and refuses what this library never runs:
/// tensors whose data live outside the model bytes, and weights that hold NaN or infinity.
/// </summary>
internal static class ModelProtoReader
{
    /// <summary>Parses <paramref name="bytes"/> and checks every tensor in the model.</summary>
    /// <exception cref="InvalidDataException">Not a protobuf ModelProto, external data, or a non-finite weight; the message starts with <paramref name="source"/>.</exception>
    public static ModelProto Read(ReadOnlyMemory<byte> bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{source}: not a valid ONNX model ({e.Message})", e);
        }
        if (model.Graph is null)
            throw new InvalidDataException($"{source}: not a valid ONNX model (expected a graph, found none)");

        foreach ((string where, TensorProto tensor) in AllTensors(model))
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0)
                throw new InvalidDataException(
                    $"{source}: {where} references an external data file, which is refused (only self-contained models load)");
            (double Value, int Index)? bad;
            try
            {
                bad = FirstNonFinite(tensor);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: {where}: {e.Message}", e);
            }
            if (bad is { } found)
                throw new InvalidDataException($"{source}: expected finite weights, found {found.Value} at index {found.Index} of {where}");
        }
        return model;
    }

    /// <summary>Every tensor of the model, with where it sits: initializers, node attributes, subgraphs, functions.</summary>
    private static IEnumerable<(string Where, TensorProto Tensor)> AllTensors(ModelProto model) =>
        GraphTensors(model.Graph, "graph")
            .Concat(model.Functions.SelectMany(function => NodeTensors(function.Node, $"function '{function.Name}'")));

    private static IEnumerable<(string, TensorProto)> GraphTensors(GraphProto graph, string scope)
    {
        foreach (TensorProto tensor in graph.Initializer)
            yield return ($"initializer '{tensor.Name}' of {scope}", tensor);
        foreach (SparseTensorProto sparse in graph.SparseInitializer)
            foreach (TensorProto? part in new[] { sparse.Values, sparse.Indices })
                if (part is not null) yield return ($"sparse initializer '{sparse.Values?.Name}' of {scope}", part);
        foreach ((string, TensorProto) found in NodeTensors(graph.Node, scope))
            yield return found;
    }

    private static IEnumerable<(string, TensorProto)> NodeTensors(IEnumerable<NodeProto> nodes, string scope)
    {
        foreach (NodeProto node in nodes)
            foreach (AttributeProto attribute in node.Attribute)
            {
                string where = $"attribute '{attribute.Name}' of node '{node.Name}' in {scope}";
                IEnumerable<TensorProto> tensors = attribute.Tensors
                    .Concat(attribute.SparseTensors.Append(attribute.SparseTensor).SelectMany(s => new[] { s?.Values, s?.Indices }))
                    .Append(attribute.T)
                    .OfType<TensorProto>();
                foreach (TensorProto tensor in tensors) yield return (where, tensor);
                foreach (GraphProto subgraph in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
                    foreach ((string, TensorProto) found in GraphTensors(subgraph, $"subgraph '{subgraph.Name}' of {where}"))
                        yield return found;
            }
    }

    private static (double Value, int Index)? FirstNonFinite(TensorProto tensor)
    {
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Float:
                float[] floats = TensorValues.Floats(tensor);
                int f = Array.FindIndex(floats, v => !float.IsFinite(v));
                return f < 0 ? null : (floats[f], f);
            case TensorProto.Types.DataType.Double:
                double[] doubles = tensor.RawData.IsEmpty
                    ? [.. tensor.DoubleData]
                    : [.. Enumerable.Range(0, tensor.RawData.Length / sizeof(double))
                        .Select(i => BinaryPrimitives.ReadDoubleLittleEndian(tensor.RawData.Span[(i * sizeof(double))..]))];
                int d = Array.FindIndex(doubles, v => !double.IsFinite(v));
                return d < 0 ? null : (doubles[d], d);
            default:
                return null;
        }
    }
}
