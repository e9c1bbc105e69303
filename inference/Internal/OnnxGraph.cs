using System.Buffers.Binary;
using System.Text;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The parts of an ONNX model this library inspects itself, read straight from the protobuf wire format
/// (field numbers from the ONNX IR specification): the main graph's nodes, float initializers, input
/// and output names, and whether any tensor anywhere keeps its data in an external file.
/// </summary>
internal sealed class OnnxGraph
{
    /// <summary>A node: operator, value names in and out, and its numeric attributes.</summary>
    public sealed record Node(string OpType, string Domain, List<string> Inputs, List<string> Outputs, Dictionary<string, double> Attributes);

    /// <summary>A float32 initializer.</summary>
    public sealed record Tensor(long[] Dims, float[] Values);

    /// <summary>Nodes of the main graph, in file order.</summary>
    public List<Node> Nodes { get; } = [];

    /// <summary>Float32 initializers of the main graph, by name.</summary>
    public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>Names of the main graph's inputs (initializers may be listed too, in old models).</summary>
    public List<string> Inputs { get; } = [];

    /// <summary>Names of the main graph's outputs.</summary>
    public List<string> Outputs { get; } = [];

    /// <summary>Whether a tensor (initializer, attribute, subgraph) refers to data outside the model bytes.</summary>
    public bool ReferencesExternalData { get; private set; }

    private const int MaxDepth = 32;

    /// <summary>Reads <paramref name="model"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed protobuf message.</exception>
    public static OnnxGraph Read(ReadOnlySpan<byte> model)
    {
        var graph = new OnnxGraph();
        foreach (Field field in Fields(model))
            if (field.Number == 7 && field.WireType == 2) graph.ReadGraph(field.Bytes, depth: 0, main: true);
        return graph;
    }

    // GraphProto: node = 1, initializer = 5, input = 11, output = 12.
    private void ReadGraph(ReadOnlySpan<byte> bytes, int depth, bool main)
    {
        if (depth > MaxDepth) throw new InvalidDataException($"model nests graphs deeper than {MaxDepth} levels");
        foreach (Field field in Fields(bytes))
        {
            if (field.WireType != 2) continue;
            switch (field.Number)
            {
                case 1:
                    Node node = ReadNode(field.Bytes, depth);
                    if (main) Nodes.Add(node);
                    break;
                case 5:
                    (string name, Tensor? tensor) = ReadTensor(field.Bytes);
                    if (main && tensor is not null) Initializers[name] = tensor;
                    break;
                case 11 when main:
                    Inputs.Add(NameOf(field.Bytes));
                    break;
                case 12 when main:
                    Outputs.Add(NameOf(field.Bytes));
                    break;
            }
        }
    }

    // NodeProto: input = 1, output = 2, op_type = 4, attribute = 5, domain = 7.
    private Node ReadNode(ReadOnlySpan<byte> bytes, int depth)
    {
        var node = new Node("", "", [], [], new Dictionary<string, double>(StringComparer.Ordinal));
        string opType = "", domain = "";
        foreach (Field field in Fields(bytes))
        {
            if (field.WireType != 2) continue;
            switch (field.Number)
            {
                case 1: node.Inputs.Add(Text(field.Bytes)); break;
                case 2: node.Outputs.Add(Text(field.Bytes)); break;
                case 4: opType = Text(field.Bytes); break;
                case 7: domain = Text(field.Bytes); break;
                case 5: ReadAttribute(field.Bytes, node.Attributes, depth); break;
            }
        }
        return node with { OpType = opType, Domain = domain };
    }

    // AttributeProto: name = 1, f = 2, i = 3, t = 5, g = 6, tensors = 10, graphs = 11.
    private void ReadAttribute(ReadOnlySpan<byte> bytes, Dictionary<string, double> attributes, int depth)
    {
        string name = "";
        double? value = null;
        foreach (Field field in Fields(bytes))
        {
            switch (field.Number, field.WireType)
            {
                case (1, 2): name = Text(field.Bytes); break;
                case (2, 5): value = BitConverter.Int32BitsToSingle((int)field.Value); break;
                case (3, 0): value = (long)field.Value; break;
                case (5 or 10, 2): ReadTensor(field.Bytes); break;
                case (6 or 11, 2): ReadGraph(field.Bytes, depth + 1, main: false); break;
            }
        }
        if (value is { } v) attributes[name] = v;
    }

    // TensorProto: dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9,
    // external_data = 13, data_location = 14 (EXTERNAL = 1). Returns null for non-float tensors.
    private (string Name, Tensor? Tensor) ReadTensor(ReadOnlySpan<byte> bytes)
    {
        string name = "";
        var dims = new List<long>();
        var floats = new List<float>();
        byte[]? raw = null;
        long dataType = 0;
        foreach (Field field in Fields(bytes))
        {
            switch (field.Number, field.WireType)
            {
                case (1, 0): dims.Add((long)field.Value); break;
                case (1, 2): dims.AddRange(PackedVarints(field.Bytes)); break;
                case (2, 0): dataType = (long)field.Value; break;
                case (4, 5): floats.Add(BitConverter.Int32BitsToSingle((int)field.Value)); break;
                case (4, 2): floats.AddRange(LittleEndianFloats(field.Bytes)); break;
                case (8, 2): name = Text(field.Bytes); break;
                case (9, 2): raw = field.Bytes.ToArray(); break;
                case (13, 2): ReferencesExternalData = true; break;
                case (14, 0) when field.Value == 1: ReferencesExternalData = true; break;
            }
        }
        if (dataType != 1) return (name, null);
        float[] values = raw is null ? floats.ToArray() : LittleEndianFloats(raw).ToArray();
        return (name, new Tensor(dims.ToArray(), values));
    }

    private static string NameOf(ReadOnlySpan<byte> valueInfo)
    {
        foreach (Field field in Fields(valueInfo))
            if (field.Number == 1 && field.WireType == 2) return Text(field.Bytes);
        return "";
    }

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static List<float> LittleEndianFloats(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 4 != 0) throw new InvalidDataException($"float data of {bytes.Length} bytes is not a whole number of floats");
        var values = new List<float>(bytes.Length / 4);
        for (int i = 0; i < bytes.Length; i += 4) values.Add(BinaryPrimitives.ReadSingleLittleEndian(bytes[i..]));
        return values;
    }

    private static List<long> PackedVarints(ReadOnlySpan<byte> bytes)
    {
        var values = new List<long>();
        for (int position = 0; position < bytes.Length;) values.Add((long)ReadVarint(bytes, ref position));
        return values;
    }

    /// <summary>One field of a message: number, wire type, and its varint/fixed value or its bytes.</summary>
    private readonly ref struct Field(int number, int wireType, ulong value, ReadOnlySpan<byte> bytes)
    {
        public int Number { get; } = number;
        public int WireType { get; } = wireType;
        public ulong Value { get; } = value;
        public ReadOnlySpan<byte> Bytes { get; } = bytes;
    }

    private ref struct FieldEnumerator(ReadOnlySpan<byte> message)
    {
        private readonly ReadOnlySpan<byte> message = message;
        private int position;

        public Field Current { get; private set; }

        public readonly FieldEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (position >= message.Length) return false;
            ulong key = ReadVarint(message, ref position);
            int number = (int)(key >> 3), wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    Current = new Field(number, wireType, ReadVarint(message, ref position), default);
                    return true;
                case 1:
                    Need(8);
                    Current = new Field(number, wireType, BinaryPrimitives.ReadUInt64LittleEndian(message[position..]), default);
                    position += 8;
                    return true;
                case 5:
                    Need(4);
                    Current = new Field(number, wireType, BinaryPrimitives.ReadUInt32LittleEndian(message[position..]), default);
                    position += 4;
                    return true;
                case 2:
                    ulong length = ReadVarint(message, ref position);
                    if (length > (ulong)(message.Length - position))
                        throw new InvalidDataException($"protobuf field {number} declares {length} bytes, only {message.Length - position} remain");
                    Current = new Field(number, wireType, length, message.Slice(position, (int)length));
                    position += (int)length;
                    return true;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {wireType} at byte {position}");
            }
        }

        private readonly void Need(int count)
        {
            if (position + count > message.Length) throw new InvalidDataException("truncated protobuf field");
        }
    }

    private static FieldEnumerator Fields(ReadOnlySpan<byte> message) => new(message);

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
}
