using System.Globalization;

namespace AutoEncoder.ModelFormat;

/// <summary>
/// The text of the <see cref="MetadataKeys.ImageShape"/> key, <c>H,W</c> for one channel or <c>C,H,W</c>:
/// written by the exporter, read by the structural score and by the training app's sampling, in one place.
/// </summary>
internal static class ImageShapeText
{
    /// <summary>The text for an image of <paramref name="channels"/> planes of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public static string Format(int channels, int height, int width) =>
        channels == 1 ? $"{height},{width}" : $"{channels},{height},{width}";

    /// <summary>Reads <paramref name="text"/> as an image of <paramref name="values"/> values.</summary>
    /// <exception cref="InvalidDataException">Not two or three positive whole numbers, or a shape of another number of values.</exception>
    public static (int Channels, int Height, int Width) Parse(string text, int values)
    {
        int[] dims = [.. text.Split(',').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d > 0 ? d : -1)];
        if (dims.Length is not (2 or 3) || dims.Any(d => d < 0) || dims.Aggregate(1L, (product, d) => product * d) != values)
            throw new InvalidDataException($"expected metadata {MetadataKeys.ImageShape} 'H,W' or 'C,H,W' of {values} values, found '{text}'");
        return dims.Length == 2 ? (1, dims[0], dims[1]) : (dims[0], dims[1], dims[2]);
    }
}
