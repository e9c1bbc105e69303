using AutoEncoder.Training.Data;

namespace AutoEncoder.Samples.EncoderService.Map;

/// <summary>
/// The configured labelled images (Map:Images, Map:Labels), at most Map:MaxPoints of them, read once at startup:
/// what the map shows and <c>/similar</c> searches.
/// </summary>
internal sealed record LabelledRows(byte[] Images, int[] Labels)
{
    /// <summary>Whether no rows are configured.</summary>
    public bool IsEmpty => Labels.Length == 0;

    /// <summary>The rows; none when Map:Images is empty.</summary>
    /// <exception cref="IOException">A configured file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The files are not IDX, disagree in count, or hold rows of another width than <paramref name="width"/>.</exception>
    public static LabelledRows Read(MapOptions options, int width, string contentRoot)
    {
        if (string.IsNullOrEmpty(options.Images)) return new LabelledRows([], []);
        if (string.IsNullOrEmpty(options.Labels))
            throw new InvalidDataException($"Map:Labels: expected the labels file of {options.Images}, found none");

        string imagesPath = Path.GetFullPath(options.Images, contentRoot), labelsPath = Path.GetFullPath(options.Labels, contentRoot);
        (int[] shape, byte[] images) = IdxReader.Read(imagesPath, 3);
        (int[] labelShape, byte[] labels) = IdxReader.Read(labelsPath, 1);
        int found = shape.Skip(1).Aggregate(1, (product, dimension) => product * dimension);
        if (found != width)
            throw new InvalidDataException($"{imagesPath}: expected rows of {width} values for the encoder, found shape [{string.Join(", ", shape)}]");
        if (labelShape.Length != 1 || labelShape[0] != shape[0])
            throw new InvalidDataException($"{labelsPath}: expected {shape[0]} labels, found shape [{string.Join(", ", labelShape)}]");

        int count = Math.Min(shape[0], options.MaxPoints);
        return new LabelledRows(images[..(count * width)], [.. labels.AsSpan(0, count).ToArray().Select(label => (int)label)]);
    }
}
