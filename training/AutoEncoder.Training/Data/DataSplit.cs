namespace AutoEncoder.Training.Data;

/// <summary>
/// One split of a data set (train or test): rows of features as the source stores them (images as
/// intensities in [0, 1], byte / 255), optionally one class label per row, and optionally the name the data
/// give each row (an image's path in its folder, a CSV's id column).
/// </summary>
/// <param name="Rows">Count × <paramref name="Width"/> values, row-major.</param>
/// <param name="Width">Features per row.</param>
/// <param name="Labels">One class index per row, or null for unlabelled data.</param>
/// <param name="Names">One name per row, or null when the data name their rows by number only.</param>
internal sealed record DataSplit(float[] Rows, int Width, int[]? Labels, IReadOnlyList<string>? Names = null)
{
    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length / Width;

    /// <summary>The rows at <paramref name="rows"/>, in that order.</summary>
    public DataSplit Pick(IReadOnlyList<int> rows)
    {
        var picked = new float[(long)rows.Count * Width];
        for (int r = 0; r < rows.Count; r++) Rows.AsSpan(rows[r] * Width, Width).CopyTo(picked.AsSpan(r * Width));
        return new DataSplit(picked, Width, Labels is null ? null : [.. rows.Select(r => Labels[r])],
            Names is null ? null : [.. rows.Select(r => Names[r])]);
    }

    /// <summary>The first <paramref name="count"/> rows (or all of them, if fewer).</summary>
    public DataSplit Take(int count)
    {
        count = Math.Min(count, Count);
        return new DataSplit(Rows[..(count * Width)], Width, Labels?[..count], Names?.Take(count).ToArray());
    }

    /// <summary>These rows followed by <paramref name="other"/>'s; labels and names are kept where both splits have them.</summary>
    /// <exception cref="ArgumentException">The splits' rows differ in width.</exception>
    public DataSplit Concat(DataSplit other)
    {
        if (other.Width != Width) throw new ArgumentException($"expected rows of {Width} values in both splits, found {other.Width}", nameof(other));
        return new DataSplit([.. Rows, .. other.Rows], Width, Labels is null || other.Labels is null ? null : [.. Labels, .. other.Labels],
            Names is null || other.Names is null ? null : [.. Names, .. other.Names]);
    }

    /// <summary>The labels, or an exception naming <paramref name="purpose"/> when the data have none.</summary>
    /// <exception cref="InvalidOperationException">The split is unlabelled.</exception>
    public int[] RequireLabels(string purpose) =>
        Labels ?? throw new InvalidOperationException($"{purpose} needs class labels, and these data have none (give --label-column, --labels or labelled sub-folders)");
}
