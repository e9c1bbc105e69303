using AutoEncoder.Inference;
using AutoEncoder.Samples.EncoderService.Map;

namespace AutoEncoder.Samples.EncoderService.Similar;

/// <summary>
/// The labelled rows the map shows (Map:Images, Map:Labels), indexed by their codes at startup for
/// <c>/similar</c>, or an index file loaded instead (Map:Index): ids are row numbers in those files, with
/// their labels beside.
/// </summary>
internal sealed class SimilarItems
{
    private readonly byte[] images;

    private SimilarItems(EmbeddingIndex? index, byte[] images, int[] labels, string? unavailable)
    {
        Index = index;
        this.images = images;
        Labels = labels;
        Unavailable = unavailable;
    }

    /// <summary>The index, or null when no rows are configured.</summary>
    public EmbeddingIndex? Index { get; }

    /// <summary>The label of each indexed row, by id.</summary>
    public int[] Labels { get; }

    /// <summary>Why there is no index; null when there is one.</summary>
    public string? Unavailable { get; }

    public static SimilarItems Build(Encoder encoder, LabelledRows rows, string? indexFile)
    {
        if (!string.IsNullOrEmpty(indexFile))
            // Refused unless built with this very encoder (its SHA-256 is in the file).
            return new SimilarItems(EmbeddingIndex.Load(indexFile, encoder), rows.Images, rows.Labels, null);
        if (rows.IsEmpty)
            return new SimilarItems(null, [], [], "no rows to search configured (Map:Images)");
        var index = EmbeddingIndex.Create(encoder);
        index.AddRows([.. Enumerable.Range(0, rows.Labels.Length).Select(id => (long)id)], rows.Images);
        return new SimilarItems(index, rows.Images, rows.Labels, null);
    }

    /// <summary>The label of row <paramref name="id"/>, or null when the rows do not reach it (an index file of other rows).</summary>
    public int? LabelOf(long id) => id >= 0 && id < Labels.Length ? Labels[id] : null;

    /// <summary>The image bytes of row <paramref name="id"/>, or null when there is no such row.</summary>
    public byte[]? Pixels(long id)
    {
        if (id < 0 || id >= Labels.Length) return null;
        int width = images.Length / Labels.Length;
        return images.AsSpan((int)id * width, width).ToArray();
    }
}
