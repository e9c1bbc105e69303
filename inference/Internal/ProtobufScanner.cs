namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Walks the protobuf wire format of an ONNX ModelProto without a schema library, far enough to find
/// tensors that point at external data. Field numbers are those of the ONNX IR specification.
/// </summary>
internal static class ProtobufScanner
{
    // ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.attribute = 5;
    // AttributeProto.t = 5, g = 6, tensors = 10, graphs = 11;
    // TensorProto.external_data = 13, data_location = 14 (EXTERNAL = 1).
    const int ModelGraph = 7, GraphNode = 1, GraphInitializer = 5, NodeAttribute = 5;
    const int AttributeTensor = 5, AttributeGraph = 6, AttributeTensors = 10, AttributeGraphs = 11;
    const int TensorExternalData = 13, TensorDataLocation = 14;
    const int MaxDepth = 32;

    /// <summary>Whether any tensor in the model stores its data outside the model bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static bool ReferencesExternalData(ReadOnlySpan<byte> model)
    {
        bool found = false;
        Walk(model, Kind.Model, 0, ref found);
        return found;
    }

    private enum Kind { Model, Graph, Node, Attribute, Tensor }

    private static void Walk(ReadOnlySpan<byte> message, Kind kind, int depth, ref bool found)
    {
        if (depth > MaxDepth) throw new InvalidDataException($"model nests graphs deeper than {MaxDepth} levels");
        int position = 0;
        while (position < message.Length && !found)
        {
            ulong key = ReadVarint(message, ref position);
            int field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    ulong value = ReadVarint(message, ref position);
                    if (kind == Kind.Tensor && field == TensorDataLocation && value == 1) found = true;
                    break;
                case 1:
                    Skip(message, ref position, 8);
                    break;
                case 5:
                    Skip(message, ref position, 4);
                    break;
                case 2:
                    ulong length = ReadVarint(message, ref position);
                    if (length > (ulong)(message.Length - position))
                        throw new InvalidDataException($"protobuf field {field} declares {length} bytes, only {message.Length - position} remain");
                    ReadOnlySpan<byte> body = message.Slice(position, (int)length);
                    position += (int)length;
                    if (kind == Kind.Tensor && field == TensorExternalData) found = true;
                    else if (Child(kind, field) is { } child) Walk(body, child, depth + 1, ref found);
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {key & 7} at byte {position}");
            }
        }
    }

    private static Kind? Child(Kind parent, int field) => (parent, field) switch
    {
        (Kind.Model, ModelGraph) => Kind.Graph,
        (Kind.Graph, GraphNode) => Kind.Node,
        (Kind.Graph, GraphInitializer) => Kind.Tensor,
        (Kind.Node, NodeAttribute) => Kind.Attribute,
        (Kind.Attribute, AttributeTensor or AttributeTensors) => Kind.Tensor,
        (Kind.Attribute, AttributeGraph or AttributeGraphs) => Kind.Graph,
        _ => null,
    };

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length) throw new InvalidDataException("truncated protobuf varint");
            byte b = data[position++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException("malformed protobuf varint");
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int count)
    {
        if (position + count > data.Length) throw new InvalidDataException("truncated protobuf field");
        position += count;
    }
}
