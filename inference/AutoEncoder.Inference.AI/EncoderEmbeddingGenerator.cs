using Microsoft.Extensions.AI;

namespace AutoEncoder.Inference.AI;

/// <summary>
/// An <see cref="Encoder"/> as a Microsoft.Extensions.AI embedding generator of rows: each <c>float[]</c>
/// (as many values as the encoder takes, in its scaled input space) becomes an <see cref="Embedding{T}"/> of
/// its code. All rows of a call are encoded in one batch. Does not own the encoder.
/// </summary>
public sealed class EncoderEmbeddingGenerator : IEmbeddingGenerator<float[], Embedding<float>>
{
    private readonly Encoder encoder;
    private readonly EmbeddingGeneratorMetadata metadata;

    /// <summary>A generator over <paramref name="encoder"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="encoder"/> is null.</exception>
    public EncoderEmbeddingGenerator(Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        this.encoder = encoder;
        metadata = GeneratorMetadata.Of(encoder);
    }

    /// <summary>The codes of <paramref name="values"/>, in order.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or one of its rows is null.</exception>
    /// <exception cref="ArgumentException">A row has the wrong length or holds a NaN or infinite value, or <paramref name="options"/> asks for other dimensions than the encoder's codes have.</exception>
    /// <exception cref="ObjectDisposedException">The encoder has been disposed.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<float[]> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        GeneratorMetadata.CheckDimensions(options, encoder);
        float[][] rows = [.. values];
        var flat = new float[rows.Length * encoder.InputSize];
        for (int r = 0; r < rows.Length; r++)
        {
            float[] row = rows[r] ?? throw new ArgumentNullException(nameof(values), $"row {r}: expected values, found null");
            if (row.Length != encoder.InputSize)
                throw new ArgumentException($"row {r}: expected {encoder.InputSize} values, found {row.Length}", nameof(values));
            row.CopyTo(flat, r * encoder.InputSize);
        }
        cancellationToken.ThrowIfCancellationRequested();
        float[] codes = rows.Length == 0 ? [] : encoder.EncodeBatch(flat);
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
