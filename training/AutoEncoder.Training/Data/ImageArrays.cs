namespace AutoEncoder.Training.Data;

/// <summary>Turns an image array (N×H×W, or N×F rows) and its labels into a checked <see cref="DataSplit"/>.</summary>
internal static class ImageArrays
{
    /// <summary>
    /// Checks that <paramref name="shape"/> is N×H×W (or N×F) and that <paramref name="labels"/>, when
    /// given, hold one label per row; <paramref name="name"/> names the arrays in errors.
    /// </summary>
    /// <exception cref="InvalidDataException">The shapes are not as expected or disagree.</exception>
    public static DataSplit Split(int[] shape, float[] rows, int[]? labels, string name)
    {
        if (shape.Length is not (2 or 3) || shape.Skip(1).Any(d => d <= 0))
            throw new InvalidDataException($"{name}: expected rows of shape N×F or images N×H×W, found {string.Join('×', shape)}");
        int width = shape.Length == 2 ? shape[1] : checked(shape[1] * shape[2]);
        if (labels is not null && labels.Length != shape[0])
            throw new InvalidDataException($"{name}: expected as many labels as rows ({shape[0]}), found {labels.Length}");
        if (shape[0] == 0) throw new InvalidDataException($"{name}: expected at least one row, found none");
        return new DataSplit(rows, width, labels);
    }

    /// <summary>The image shape of an N×H×W array; null for N×F rows.</summary>
    public static ImageShape? ImageOf(int[] shape) => shape.Length == 3 ? new ImageShape(1, shape[1], shape[2]) : null;

    /// <summary>"0", "1", … up to the largest label in any split.</summary>
    public static IReadOnlyList<string> NumberedClasses(params int[]?[] labels)
    {
        int classes = labels.Where(l => l is { Length: > 0 }).Select(l => l!.Max() + 1).DefaultIfEmpty(0).Max();
        return [.. Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }
}
