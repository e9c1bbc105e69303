namespace AutoEncoder.Samples.EncoderService.Map;

/// <summary>Which labelled rows the page's map shows (configuration section "Map"); paths relative to the content root.</summary>
internal sealed class MapOptions
{
    /// <summary>An IDX file of images (raw or .gz), e.g. MNIST's t10k-images-idx3-ubyte; empty: no map.</summary>
    public string? Images { get; set; }

    /// <summary>The IDX file of their labels.</summary>
    public string? Labels { get; set; }

    /// <summary>
    /// An index file (<c>autoencoder index</c>) to load for <c>/similar</c> instead of indexing the rows at start-up;
    /// built with the served encoder, its ids being row numbers of <see cref="Images"/>. Empty: index the rows.
    /// </summary>
    public string? Index { get; set; }

    /// <summary>At most this many rows, from the start of the files.</summary>
    public int MaxPoints { get; set; } = 10_000;
}
