using System.Globalization;
using System.Text.Json;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The inverse of the per-feature scaling a model was trained in, read from its <c>input_scaling</c>
/// metadata (the same offset and scale vectors the exported graph begins with): raw = value / scale + offset.
/// A decoder and a full model answer in the scaled space; this maps their rows back to the data's own units.
/// </summary>
internal sealed class OutputScaling
{
    private readonly float[] offset;
    private readonly float[] scale;

    private OutputScaling(float[] offset, float[] scale)
    {
        this.offset = offset;
        this.scale = scale;
    }

    /// <summary>The scaling recorded in <paramref name="properties"/>, or null for a model trained on its data as they are.</summary>
    /// <exception cref="InvalidDataException">The metadata is not JSON of finite offset and non-zero scale vectors of <paramref name="width"/> values.</exception>
    public static OutputScaling? FromMetadata(IReadOnlyDictionary<string, string> properties, int width)
    {
        if (!properties.TryGetValue(MetadataKeys.InputScaling, out string? text)) return null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("offset", out JsonElement offsetJson) || !root.TryGetProperty("scale", out JsonElement scaleJson)) return null;
            float[] offset = Vector(offsetJson, width), scale = Vector(scaleJson, width);
            if (offset.Any(v => !float.IsFinite(v)) || scale.Any(v => !float.IsFinite(v) || v == 0))
                throw new InvalidDataException($"expected metadata {MetadataKeys.InputScaling} with finite offsets and non-zero finite scales, found others");
            return new OutputScaling(offset, scale);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"expected metadata {MetadataKeys.InputScaling} as JSON with offset and scale vectors, found '{text}'", e);
        }
    }

    static float[] Vector(JsonElement values, int width)
    {
        float[] vector = [.. values.EnumerateArray().Select(v => v.GetSingle())];
        return vector.Length == width
            ? vector
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"expected metadata {MetadataKeys.InputScaling} vectors of {width} values, found {vector.Length}"));
    }

    /// <summary>Maps every row of <paramref name="values"/> (laid end to end) to raw units, in place.</summary>
    public void ToRaw(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int feature = i % scale.Length;
            values[i] = values[i] / scale[feature] + offset[feature];
        }
    }
}
