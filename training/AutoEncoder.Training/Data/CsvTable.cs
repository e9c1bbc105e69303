namespace AutoEncoder.Training.Data;

/// <summary>The numbers of a CSV file: feature rows, the label and id columns' raw text, and the column names.</summary>
/// <param name="Rows">Count × <paramref name="FeatureNames"/>.Count values, row-major.</param>
/// <param name="Labels">The label column's text per row, or null without a label column.</param>
/// <param name="FeatureNames">The feature columns' names (their 0-based indices without a header).</param>
/// <param name="Ids">The id column's text per row, or null without an id column.</param>
internal sealed record CsvTable(float[] Rows, string[]? Labels, IReadOnlyList<string> FeatureNames, string[]? Ids = null);
