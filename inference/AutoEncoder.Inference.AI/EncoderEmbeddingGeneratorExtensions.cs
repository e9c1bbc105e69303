using Microsoft.Extensions.AI;

namespace AutoEncoder.Inference.AI;

/// <summary>Encoders as Microsoft.Extensions.AI embedding generators.</summary>
public static class EncoderEmbeddingGeneratorExtensions
{
    /// <summary><paramref name="encoder"/> as a generator of row embeddings (<see cref="EncoderEmbeddingGenerator"/>); the encoder stays the caller's.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    public static IEmbeddingGenerator<float[], Embedding<float>> AsIEmbeddingGenerator(this Encoder encoder) => new EncoderEmbeddingGenerator(encoder);

    /// <summary><paramref name="encoder"/> as a generator of image embeddings (<see cref="ImageEmbeddingGenerator"/>); the encoder stays the caller's.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    /// <exception cref="NotSupportedException">The encoder does not take square single-channel images.</exception>
    public static IEmbeddingGenerator<DataContent, Embedding<float>> AsIImageEmbeddingGenerator(this Encoder encoder) => new ImageEmbeddingGenerator(encoder);
}
