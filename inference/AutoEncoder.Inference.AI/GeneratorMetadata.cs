using Microsoft.Extensions.AI;

namespace AutoEncoder.Inference.AI;

/// <summary>What both generators share: their metadata, the dimension check, the results and the services they answer.</summary>
internal static class GeneratorMetadata
{
    /// <summary>Provider "AutoEncoder", the encoder's SHA-256 as the model, its code width as the dimensions.</summary>
    public static EmbeddingGeneratorMetadata Of(Encoder encoder) => new("AutoEncoder", null, encoder.Metadata.Sha256, encoder.EmbeddingSize);

    /// <summary>Refuses options that ask for codes of another width: an encoder's width is fixed.</summary>
    public static void CheckDimensions(EmbeddingGenerationOptions? options, Encoder encoder)
    {
        if (options?.Dimensions is int asked && asked != encoder.EmbeddingSize)
            throw new ArgumentException($"expected dimensions {encoder.EmbeddingSize} (the encoder's codes) or none, found {asked}", nameof(options));
    }

    /// <summary>One embedding per code of <paramref name="width"/> values laid end to end.</summary>
    public static GeneratedEmbeddings<Embedding<float>> Embeddings(float[] codes, int width, string? modelId)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(codes.Length / width);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        for (int at = 0; at < codes.Length; at += width)
            embeddings.Add(new Embedding<float>(codes.AsMemory(at, width)) { ModelId = modelId, CreatedAt = now });
        return embeddings;
    }

    /// <summary>The generator itself, its metadata or its encoder, as IEmbeddingGenerator.GetService documents.</summary>
    public static object? Service(object generator, Type serviceType, object? serviceKey, EmbeddingGeneratorMetadata metadata, Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return metadata;
        if (serviceType == typeof(Encoder)) return encoder;
        return serviceType.IsInstanceOfType(generator) ? generator : null;
    }
}
