using System.Runtime.InteropServices;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Google.Protobuf;

namespace AutoEncoder.Inference.Tests.Support;

/// <summary>Small ONNX models written through the library's own schema classes, and the committed ones.</summary>
internal static class TestModels
{
    /// <summary>The bytes of a committed model, e.g. <c>encoder.onnx</c> or <c>deep/encoder.onnx</c>.</summary>
    public static byte[] Committed(string file) => File.ReadAllBytes(Path.Combine(Repository.ModelsFolder, file));

    /// <summary>A committed model parsed, for tests that alter it.</summary>
    public static ModelProto CommittedProto(string file) => ModelProto.Parser.ParseFrom(Committed(file));

    /// <summary>A committed model's bytes with metadata entries set, or removed where the value is null.</summary>
    public static byte[] CommittedWithMetadata(string file, params (string Key, string? Value)[] entries)
    {
        ModelProto model = CommittedProto(file);
        foreach ((string key, string? value) in entries)
        {
            if (model.MetadataProps.FirstOrDefault(e => e.Key == key) is { } existing) model.MetadataProps.Remove(existing);
            if (value is not null) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
        return model.ToByteArray();
    }

    /// <summary>
    /// An encoder (IR 8, opset 17) through <paramref name="widths"/>: one <c>Gemm(transB = 1)</c> per step with
    /// seeded random weights in ±1/√in (PyTorch's default range), <paramref name="activation"/> (an ONNX operator,
    /// or null) after every Gemm but the last.
    /// </summary>
    public static ModelProto Encoder(int[] widths, string? activation, int seed = 1, string role = "encoder")
    {
        var random = new Random(seed);
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(Value("pixels", widths[0]));
        string value = "pixels";
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            int inputs = widths[i], outputs = widths[i + 1];
            float bound = 1 / MathF.Sqrt(inputs);
            graph.Initializer.Add(Tensor($"w{i}", [outputs, inputs], [.. Enumerable.Range(0, outputs * inputs).Select(_ => (random.NextSingle() * 2 - 1) * bound)]));
            graph.Initializer.Add(Tensor($"b{i}", [outputs], [.. Enumerable.Range(0, outputs).Select(_ => (random.NextSingle() * 2 - 1) * bound)]));
            value = Node(graph, "Gemm", [value, $"w{i}", $"b{i}"], $"gemm{i}", new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            if (activation is not null && i + 2 < widths.Length)
                value = Node(graph, activation, [value], $"act{i}",
                    activation == "LeakyRelu" ? [new AttributeProto { Name = "alpha", Type = AttributeProto.Types.AttributeType.Float, F = 0.2f }] : []);
        }
        graph.Node[^1].Output[0] = "embedding";
        graph.Output.Add(Value("embedding", widths[^1]));

        var model = new ModelProto { IrVersion = 8, ProducerName = "tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "role", Value = role });
        return model;
    }

    /// <summary>A node writing a new value named after it; returns the value's name.</summary>
    public static string Node(GraphProto graph, string opType, string[] inputs, string name, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.Add(inputs);
        node.Output.Add(name + "_out");
        node.Attribute.Add(attributes);
        graph.Node.Add(node);
        return name + "_out";
    }

    /// <summary>A float32 tensor with raw little-endian data.</summary>
    public static TensorProto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static ValueInfoProto Value(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
