using AutoEncoder.Onnx.Schema;
using Google.Protobuf;

namespace AutoEncoder.Onnx;

/// <summary>
/// Owns one ONNX graph under construction: unique value and node names, float32 and int64 initializers,
/// nodes checked against the target opset, and a declared shape [batch, d1, …] for every value, the batch
/// dimension symbolic.
/// </summary>
internal sealed class GraphBuilder
{
    /// <summary>Name of the symbolic batch dimension on every input, output and intermediate value.</summary>
    public const string BatchDimension = "batch";

    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> shapes = new(StringComparer.Ordinal);

    private readonly long? batchSize;

    /// <summary>
    /// Starts an empty graph targeting the default-domain operator set <paramref name="opset"/>, whose values
    /// have the symbolic batch dimension, or <paramref name="batchSize"/> examples when it is given.
    /// </summary>
    public GraphBuilder(string name, long opset, long? batchSize = null)
    {
        Graph = new GraphProto { Name = name };
        Opset = opset;
        this.batchSize = batchSize;
    }

    /// <summary>The graph; complete once <see cref="AddOutput(string, string, string)"/> was called.</summary>
    public GraphProto Graph { get; }

    /// <summary>The target opset of the default ONNX domain.</summary>
    public long Opset { get; }

    /// <summary>The dimensions of the value <paramref name="name"/> after the batch dimension.</summary>
    public long[] ShapeOf(string name) => shapes.TryGetValue(name, out long[]? shape)
        ? shape
        : throw new InvalidOperationException($"no value named '{name}' in graph {Graph.Name}");

    /// <summary>The width of a [batch, width] value <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The value has more dimensions (a Flatten is missing).</exception>
    public long WidthOf(string name) => ShapeOf(name) is [long width]
        ? width
        : throw new InvalidOperationException($"'{name}' has shape {Describe(ShapeOf(name))}, not [{BatchDimension}, width]: flatten it first");

    /// <summary>"[batch, d1, …]", as messages and doc strings write a shape.</summary>
    public static string Describe(long[] shape) => $"[{string.Join(", ", shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).Prepend(BatchDimension))}]";

    /// <summary>Declares a float input of shape [batch, <paramref name="width"/>].</summary>
    public string AddInput(string name, long width, string doc) => AddInput(name, [width], doc);

    /// <summary>Declares a float input of shape [batch, …<paramref name="shape"/>].</summary>
    public string AddInput(string name, long[] shape, string doc)
    {
        Claim(name);
        shapes[name] = shape;
        Graph.Input.Add(ValueInfo(name, shape, doc));
        return name;
    }

    /// <summary>Exposes <paramref name="value"/> as the graph output <paramref name="name"/>.</summary>
    /// <remarks>The node producing the value is renamed to write <paramref name="name"/> directly; only
    /// when the value is a graph input (an empty model) is an Identity node needed.</remarks>
    public void AddOutput(string value, string name, string doc) => AddOutput(value, name, doc, TensorProto.Types.DataType.Float);

    /// <summary>Exposes <paramref name="value"/>, of <paramref name="elementType"/> (an ArgMax's int64, say), as the graph output <paramref name="name"/>.</summary>
    public void AddOutput(string value, string name, string doc, TensorProto.Types.DataType elementType)
    {
        long[] shape = ShapeOf(value);
        NodeProto? producer = Graph.Node.LastOrDefault(node => node.Output.Contains(value));
        if (producer is null)
        {
            AddNode("Identity", minimumOpset: 1, [value], name, shape, scope: "output");
        }
        else
        {
            Claim(name);
            producer.Output[producer.Output.IndexOf(value)] = name;
            foreach (NodeProto consumer in Graph.Node)
                for (int i = 0; i < consumer.Input.Count; i++)
                    if (consumer.Input[i] == value) consumer.Input[i] = name;
            Graph.ValueInfo.Remove(Graph.ValueInfo.Single(info => info.Name == value));
            shapes[name] = shape;
        }
        Graph.Output.Add(ValueInfo(name, shape, doc, elementType));
    }

    /// <summary>Adds a float32 initializer and returns its (unique) name.</summary>
    public string AddInitializer(string name, float[] values, params long[] dims)
    {
        if (values.Length != dims.Aggregate(1L, (product, d) => product * d))
            throw new ArgumentException($"initializer {name}: {values.Length} values do not fill shape [{string.Join(", ", dims)}]");
        Claim(name);
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            // ONNX stores raw_data little-endian, as is every platform .NET runs TorchSharp on.
            RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())),
        };
        tensor.Dims.Add(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes, axes) and returns its (unique) name.</summary>
    public string AddInt64Initializer(string name, long[] values)
    {
        Claim(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.Add(values);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>
    /// Adds a node of <paramref name="opType"/> writing a new value of shape [batch, <paramref name="width"/>],
    /// named after <paramref name="scope"/>; returns the value's name.
    /// </summary>
    /// <exception cref="NotSupportedException">The operator needs a newer opset than the target.</exception>
    public string AddNode(string opType, long minimumOpset, IReadOnlyList<string> inputs, string? output, long width,
        string scope, params AttributeProto[] attributes) =>
        AddNode(opType, minimumOpset, inputs, output, [width], scope, attributes);

    /// <summary>
    /// Adds a node of <paramref name="opType"/> writing a new value of shape [batch, …<paramref name="shape"/>],
    /// named after <paramref name="scope"/>; returns the value's name.
    /// </summary>
    /// <exception cref="NotSupportedException">The operator needs a newer opset than the target.</exception>
    public string AddNode(string opType, long minimumOpset, IReadOnlyList<string> inputs, string? output, long[] shape,
        string scope, params AttributeProto[] attributes)
    {
        if (minimumOpset > Opset)
            throw new NotSupportedException($"{opType} (at {scope}) needs opset {minimumOpset}, but the target opset is {Opset}");

        string value = output ?? Unique($"{scope}/{opType}_output");
        if (output is not null) Claim(output);
        var node = new NodeProto { Name = Unique($"{scope}/{opType}"), OpType = opType };
        node.Input.Add(inputs);
        node.Output.Add(value);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);

        shapes[value] = shape;
        if (output is null) Graph.ValueInfo.Add(ValueInfo(value, shape, ""));
        return value;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>An attribute holding a list of integers.</summary>
    public static AttributeProto IntsAttribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }

    /// <summary>A string attribute.</summary>
    public static AttributeProto StringAttribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float attribute.</summary>
    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private ValueInfoProto ValueInfo(string name, long[] dims, string doc, TensorProto.Types.DataType elementType = TensorProto.Types.DataType.Float)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(batchSize is long fixedBatch
            ? new TensorShapeProto.Types.Dimension { DimValue = fixedBatch }
            : new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (long dim in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape },
            },
        };
    }

    private void Claim(string name)
    {
        if (!names.Add(name))
            throw new InvalidOperationException($"name '{name}' is already used in graph {Graph.Name}");
    }

    private string Unique(string name)
    {
        string candidate = name;
        for (int i = 1; !names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}
