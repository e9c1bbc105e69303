using AutoEncoder.Inference.AI;
using AutoEncoder.Inference.Images;
using AutoEncoder.Inference.Tests.Support;
using Microsoft.Extensions.AI;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The encoders through Microsoft.Extensions.AI's IEmbeddingGenerator, used through the interface only.</summary>
public sealed class EmbeddingGeneratorTests : IDisposable
{
    private readonly Encoder encoder = Encoder.LoadDefault();

    public void Dispose() => encoder.Dispose();

    [Fact]
    public async Task Rows_become_the_encoders_codes_in_order()
    {
        IEmbeddingGenerator<float[], Embedding<float>> generator = encoder.AsIEmbeddingGenerator();
        float[] pixels = TestImages.Pixels(3);
        float[][] rows = [.. Enumerable.Range(0, 3).Select(r => pixels[(r * 784)..((r + 1) * 784)])];

        GeneratedEmbeddings<Embedding<float>> embeddings = await generator.GenerateAsync(rows);

        Assert.Equal(rows.Select(row => encoder.Encode(row)), embeddings.Select(e => e.Vector.ToArray()));
        Assert.All(embeddings, e => Assert.Equal(encoder.Metadata.Sha256, e.ModelId));
    }

    [Fact]
    public async Task An_image_becomes_the_code_of_its_prepared_pixels()
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = encoder.AsIImageEmbeddingGenerator();
        using var bitmap = new SKBitmap(80, 60);
        bitmap.Erase(SKColors.White);
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 6 })
            canvas.DrawLine(30, 5, 45, 55, pen);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        Embedding<float> embedding = await generator.GenerateAsync(new DataContent(png.ToArray(), "image/png"));

        Assert.Equal(encoder.EncodeImage(png.ToArray()), embedding.Vector.ToArray());
    }

    [Fact]
    public void The_metadata_names_the_provider_the_model_and_the_code_width()
    {
        IEmbeddingGenerator<float[], Embedding<float>> generator = encoder.AsIEmbeddingGenerator();

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Equal(("AutoEncoder", encoder.Metadata.Sha256, 2), (metadata.ProviderName, metadata.DefaultModelId, metadata.DefaultModelDimensions));
        Assert.Same(encoder, generator.GetService<Encoder>());
    }

    [Fact]
    public async Task Other_dimensions_than_the_codes_are_refused()
    {
        IEmbeddingGenerator<float[], Embedding<float>> generator = encoder.AsIEmbeddingGenerator();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([new float[784]], new EmbeddingGenerationOptions { Dimensions = 16 }));

        Assert.StartsWith("expected dimensions 2 (the encoder's codes) or none, found 16", error.Message);
    }

    [Fact]
    public async Task A_row_of_the_wrong_length_is_refused_naming_it()
    {
        IEmbeddingGenerator<float[], Embedding<float>> generator = encoder.AsIEmbeddingGenerator();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([new float[784], new float[783]]));

        Assert.StartsWith("row 1: expected 784 values, found 783", error.Message);
    }

    [Fact]
    public async Task Content_that_is_not_a_png_or_jpeg_is_refused_naming_its_type()
    {
        IEmbeddingGenerator<DataContent, Embedding<float>> generator = encoder.AsIImageEmbeddingGenerator();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync([new DataContent("hello"u8.ToArray(), "text/plain")]));

        Assert.StartsWith("image 0: expected media type image/png or image/jpeg, found text/plain", error.Message);
    }
}
