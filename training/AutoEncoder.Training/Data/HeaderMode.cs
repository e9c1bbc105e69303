namespace AutoEncoder.Training.Data;

/// <summary>Whether a CSV file's first row names its columns.</summary>
internal enum HeaderMode
{
    /// <summary>A header when some cell of the first row is not a number.</summary>
    Auto,

    /// <summary>The first row is a header.</summary>
    Yes,

    /// <summary>The first row is data.</summary>
    No,
}
