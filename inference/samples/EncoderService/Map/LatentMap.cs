using AutoEncoder.Inference;

namespace AutoEncoder.Samples.EncoderService.Map;

/// <summary>The labelled rows' 2-D codes, computed once at startup with the service's own encoder.</summary>
internal sealed class LatentMap
{
    private LatentMap(float[][] points, int[] labels, string? unavailable)
    {
        Points = points;
        Labels = labels;
        Unavailable = unavailable;
    }

    public float[][] Points { get; }

    public int[] Labels { get; }

    /// <summary>Why there is no map (nothing configured, or codes that are not 2-D); null when there is one.</summary>
    public string? Unavailable { get; }

    public static LatentMap Build(Encoder encoder, LabelledRows rows)
    {
        if (rows.IsEmpty)
            return new([], [], "no map rows configured (Map:Images)");
        if (encoder.EmbeddingSize != 2)
            return new([], [], $"expected an encoder with 2-D codes for the map, found {encoder.EmbeddingSize}-D codes");
        float[] codes = encoder.EncodeBatch(rows.Images);
        var points = new float[rows.Labels.Length][];
        for (int i = 0; i < points.Length; i++) points[i] = [codes[2 * i], codes[2 * i + 1]];
        return new(points, rows.Labels, null);
    }
}
