namespace AutoEncoder.Training.Data;

/// <summary>How to read a data set: everything but its path, recorded with a run so that resume and export read it alike.</summary>
/// <param name="Format">How the path is read; Auto decides by what it is.</param>
/// <param name="Test">A file (or folder) of test rows in the same format; null for the source's own test split or a validation share.</param>
/// <param name="Labels">A .npy of one label per row beside a .npy of rows; null for none.</param>
/// <param name="TestLabels">The labels of <paramref name="Test"/> when it is a .npy.</param>
/// <param name="ValidationFraction">Share of the training rows held out as the test split when the source has none.</param>
/// <param name="LabelColumn">The CSV column that holds class labels, kept out of the features.</param>
/// <param name="Columns">The CSV columns used as features, by name (or by 0-based index without a header); null for all.</param>
/// <param name="Header">Whether the CSV's first row names its columns.</param>
/// <param name="Channels">Image folders: 1 converts to grayscale, 3 keeps RGB.</param>
/// <param name="ImageSize">Image folders: resize every image to <c>WxH</c>; null requires one size throughout.</param>
/// <param name="IdColumn">The CSV column that names each row (the keys of an index), kept out of the features.</param>
internal sealed record DataOptions(
    DataFormat Format = DataFormat.Auto, string? Test = null, string? Labels = null, string? TestLabels = null,
    double ValidationFraction = 0.1, string? LabelColumn = null, IReadOnlyList<string>? Columns = null,
    HeaderMode Header = HeaderMode.Auto, int Channels = 1, string? ImageSize = null, string? IdColumn = null)
{
    /// <summary>Checks every option is in range.</summary>
    /// <exception cref="ArgumentException">An option is out of range or malformed.</exception>
    public DataOptions Validate()
    {
        if (!Enum.IsDefined(Format)) throw new ArgumentOutOfRangeException("format", Format, "expected auto, idx, npz, npy, csv or images");
        if (!Enum.IsDefined(Header)) throw new ArgumentOutOfRangeException("header", Header, "expected auto, yes or no");
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException("validation-fraction", ValidationFraction, "expected a share strictly between 0 and 1");
        if (Channels is not (1 or 3)) throw new ArgumentOutOfRangeException("channels", Channels, "expected 1 (grayscale) or 3 (RGB)");
        if (ImageSize is not null) ParseImageSize(ImageSize);
        return this;
    }

    /// <summary>Parses <c>WxH</c> into (width, height).</summary>
    /// <exception cref="ArgumentException">The text is not two positive integers joined by x.</exception>
    public static (int Width, int Height) ParseImageSize(string text)
    {
        string[] parts = text.Split('x', 'X', '×');
        if (parts.Length == 2 && int.TryParse(parts[0], out int width) && int.TryParse(parts[1], out int height) &&
            width is > 0 and <= ImageFolderReader.MaxSide && height is > 0 and <= ImageFolderReader.MaxSide)
            return (width, height);
        throw new ArgumentException($"--image-size: expected WxH with sides 1–{ImageFolderReader.MaxSide} such as 28x28, found '{text}'");
    }

    /// <summary>Equality by value, including the column list (a record compares lists by reference).</summary>
    public bool Equals(DataOptions? other) =>
        other is not null && Format == other.Format && Test == other.Test && Labels == other.Labels && TestLabels == other.TestLabels &&
        ValidationFraction == other.ValidationFraction && LabelColumn == other.LabelColumn && Header == other.Header &&
        Channels == other.Channels && ImageSize == other.ImageSize && IdColumn == other.IdColumn &&
        (Columns ?? []).SequenceEqual(other.Columns ?? []);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Format, Test, LabelColumn, Channels, ImageSize);
}
