using AutoEncoder.Inference.Images;
using Microsoft.Extensions.AI;

namespace AutoEncoder.Inference.AI;

/// <summary>
/// An <see cref="Encoder"/> of MNIST-style images as a Microsoft.Extensions.AI embedding generator of
/// images: each <see cref="DataContent"/> (a PNG or JPEG, <c>image/png</c> or <c>image/jpeg</c>) is prepared
/// as MNIST's digits were made (<see cref="DigitImage"/>) and encoded. Does not own the encoder.
/// </summary>
public sealed class ImageEmbeddingGenerator : IEmbeddingGenerator<DataContent, Embedding<float>>
{
    private readonly Encoder encoder;
    private readonly EmbeddingGeneratorMetadata metadata;
    private readonly int side;

    /// <summary>A generator over <paramref name="encoder"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    /// <exception cref="NotSupportedException">The encoder does not take square single-channel images.</exception>
    public ImageEmbeddingGenerator(Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        this.encoder = encoder;
        side = encoder.ImageSide();
        metadata = GeneratorMetadata.Of(encoder);
    }

    /// <summary>The codes of the images in <paramref name="values"/>, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its images is null.</exception>
    /// <exception cref="ArgumentException">An image is not of media type image/png or image/jpeg, or <paramref name="options"/> asks for other dimensions than the encoder's codes have.</exception>
    /// <exception cref="InvalidDataException">An image does not decode, or is larger than <see cref="DigitImage.MaxSide"/> on a side.</exception>
    /// <exception cref="ObjectDisposedException">The encoder has been disposed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<DataContent> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        GeneratorMetadata.CheckDimensions(options, encoder);
        DataContent[] images = [.. values];
        var pixels = new byte[images.Length * side * side];
        for (int i = 0; i < images.Length; i++)
        {
            DataContent image = images[i] ?? throw new ArgumentNullException(nameof(values), $"image {i}: expected content, found null");
            if (image.MediaType is not ("image/png" or "image/jpeg"))
                throw new ArgumentException($"image {i}: expected media type image/png or image/jpeg, found {image.MediaType}", nameof(values));
            cancellationToken.ThrowIfCancellationRequested();
            DigitImage.Prepare(image.Data.Span, side).CopyTo(pixels, i * side * side);
        }
        float[] codes = images.Length == 0 ? [] : encoder.EncodeBatch(pixels);
        return Task.FromResult(GeneratorMetadata.Embeddings(codes, encoder.EmbeddingSize, metadata.DefaultModelId));
    }

    /// <summary>This generator, its <see cref="EmbeddingGeneratorMetadata"/> or its <see cref="Encoder"/> when asked for by type without a key; null otherwise.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is null.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null) => GeneratorMetadata.Service(this, serviceType, serviceKey, metadata, encoder);

    /// <summary>Nothing to release: the encoder belongs to the caller.</summary>
    public void Dispose()
    {
    }
}
