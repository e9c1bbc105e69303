using System.Buffers.Binary;
using AutoEncoder.Onnx.Schema;

namespace AutoEncoder.ModelFormat;

/// <summary>The values a float32 tensor of a model holds.</summary>
internal static class TensorValues
{
    /// <summary>The values of a float32 tensor, from <c>raw_data</c> (little-endian) or <c>float_data</c>.</summary>
    /// <exception cref="InvalidDataException">The raw data are not a whole number of floats.</exception>
    public static float[] Floats(TensorProto tensor)
    {
        if (tensor.RawData.IsEmpty) return [.. tensor.FloatData];
        ReadOnlySpan<byte> raw = tensor.RawData.Span;
        if (raw.Length % sizeof(float) != 0)
            throw new InvalidDataException($"expected raw data of whole float32 values (a multiple of 4 bytes), found {raw.Length} bytes");
        var values = new float[raw.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        return values;
    }
}
