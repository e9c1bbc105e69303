namespace AutoEncoder.Inference.Tests.Support;

/// <summary>An index's file, in memory.</summary>
internal static class SavedIndex
{
    /// <summary>The bytes <see cref="EmbeddingIndex.Save(Stream)"/> writes.</summary>
    public static byte[] Bytes(EmbeddingIndex index)
    {
        var bytes = new MemoryStream();
        index.Save(bytes);
        return bytes.ToArray();
    }
}
