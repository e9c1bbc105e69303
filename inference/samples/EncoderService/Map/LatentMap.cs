using AutoEncoder.Inference;
using AutoEncoder.Training.Data;

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

    /// <exception cref="IOException">A configured file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The files are not IDX, disagree in count, or hold rows of another width than the encoder's.</exception>
    public static LatentMap Build(Encoder encoder, MapOptions options, string contentRoot)
    {
        if (string.IsNullOrEmpty(options.Images))
            return new([], [], "no map rows configured (Map:Images)");
        if (encoder.EmbeddingSize != 2)
            return new([], [], $"expected an encoder with 2-D codes for the map, found {encoder.EmbeddingSize}-D codes");
        if (string.IsNullOrEmpty(options.Labels))
            throw new InvalidDataException($"Map:Labels: expected the labels file of {options.Images}, found none");

        string imagesPath = Path.GetFullPath(options.Images, contentRoot), labelsPath = Path.GetFullPath(options.Labels, contentRoot);
        (int[] shape, byte[] images) = IdxReader.Read(imagesPath, 3);
        (int[] labelShape, byte[] labels) = IdxReader.Read(labelsPath, 1);
        int width = shape.Skip(1).Aggregate(1, (product, dimension) => product * dimension);
        if (width != encoder.InputSize)
            throw new InvalidDataException($"{imagesPath}: expected rows of {encoder.InputSize} values for the encoder, found shape [{string.Join(", ", shape)}]");
        if (labelShape.Length != 1 || labelShape[0] != shape[0])
            throw new InvalidDataException($"{labelsPath}: expected {shape[0]} labels, found shape [{string.Join(", ", labelShape)}]");

        int count = Math.Min(shape[0], options.MaxPoints);
        float[] codes = encoder.EncodeBatch(images.AsSpan(0, count * width));
        var points = new float[count][];
        for (int i = 0; i < count; i++) points[i] = [codes[2 * i], codes[2 * i + 1]];
        return new(points, labels.AsSpan(0, count).ToArray().Select(label => (int)label).ToArray(), null);
    }
}
