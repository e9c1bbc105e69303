namespace AutoEncoder.Training.Data;

/// <summary>A loaded data set: its training and test splits and where they came from.</summary>
/// <param name="Train">The rows training fits.</param>
/// <param name="Test">The rows loss curves, evaluation and plots use: the source's own test split, a
/// <c>--test</c> file, or a seeded share of the training rows held out from <paramref name="Train"/>.</param>
/// <param name="Checksums">Source file name → lower-case hex SHA-256, for provenance and resume checks.</param>
/// <param name="Image">The image shape when rows are images, else null (tables).</param>
/// <param name="ClassNames">Label index → name; empty for unlabelled data.</param>
/// <param name="FeatureNames">Column names of a table with a header, else empty.</param>
internal sealed record DataSet(
    DataSplit Train, DataSplit Test, IReadOnlyDictionary<string, string> Checksums, ImageShape? Image,
    IReadOnlyList<string> ClassNames, IReadOnlyList<string> FeatureNames)
{
    /// <summary>Features per row.</summary>
    public int Width => Train.Width;
}
