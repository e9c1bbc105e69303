using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

public sealed class EncoderTests
{
    private static string ModelFile(string name) => Path.Combine(Repository.ModelsFolder, name);

    // The build embeds models/ as it is when the library compiles: `make` rebuilds the library after
    // training, so a retrained encoder reaches the package; this pins the embedded bytes to the files.
    [Theory]
    [InlineData("encoder.onnx")]
    [InlineData("decoder.onnx")]
    [InlineData("autoencoder.onnx")]
    public void The_package_embeds_the_models_folders_files_byte_for_byte(string file)
    {
        Assert.Equal(TestModels.Committed(file), Internal.EmbeddedModels.Read(file));
    }

    [Fact]
    public void Default_encoder_is_the_committed_models_encoder()
    {
        float[] pixels = TestImages.Pixels(100);
        using var embedded = Encoder.LoadDefault();
        using var committed = Encoder.Load(ModelFile("encoder.onnx"));

        Assert.Equal(committed.EncodeBatch(pixels), embedded.EncodeBatch(pixels));
    }

    [Fact]
    public void Sizes_and_metadata_describe_the_seed_encoder()
    {
        using var encoder = Encoder.LoadDefault();

        Assert.Equal((784, 2), (encoder.InputSize, encoder.EmbeddingSize));
        Assert.Equal("encoder", encoder.Metadata.Role);
        Assert.Equal(255f, encoder.Metadata.InputDivisor);
        Assert.InRange(encoder.Metadata.Parity!.Value, 0, 1e-4);
        Assert.InRange(encoder.Metadata.TestBce!.Value, 0.1, 0.235);
        Assert.Contains("\"preset\":\"seed\"", encoder.Metadata.TrainingConfiguration);
        Assert.StartsWith("AutoEncoder", encoder.Metadata.Producer);
    }

    [Fact]
    public void Path_stream_and_memory_loads_give_identical_codes()
    {
        float[] pixels = TestImages.Pixels(10);
        byte[] bytes = File.ReadAllBytes(ModelFile("encoder.onnx"));
        using var fromPath = Encoder.Load(ModelFile("encoder.onnx"));
        using var stream = new MemoryStream(bytes);
        using var fromStream = Encoder.Load(stream);
        using var fromMemory = Encoder.Load(bytes.AsMemory());

        float[] expected = fromPath.EncodeBatch(pixels);
        Assert.Equal(expected, fromStream.EncodeBatch(pixels));
        Assert.Equal(expected, fromMemory.EncodeBatch(pixels));
    }

    [Fact]
    public void Byte_pixels_encode_exactly_like_pixels_divided_by_255()
    {
        byte[] image = TestImages.Bytes(1);
        using var encoder = Encoder.LoadDefault();

        Assert.Equal(encoder.Encode(image.Select(b => b / 255f).ToArray()), encoder.Encode(image.AsSpan()));
        Assert.Equal(encoder.EncodeBatch(TestImages.Pixels(3)), encoder.EncodeBatch(TestImages.Bytes(3)));
    }

    [Fact]
    public void Single_row_span_encode_matches_the_batch_path_row_by_row()
    {
        float[] pixels = TestImages.Pixels(50);
        using var encoder = Encoder.LoadDefault();
        float[] batch = encoder.EncodeBatch(pixels);
        Span<float> code = stackalloc float[2];

        for (int row = 0; row < 50; row++)
        {
            encoder.Encode(pixels.AsSpan(row * 784, 784), code);
            // One row against many: ONNX Runtime may pick another Gemm kernel; 784-term float32 sums agree to ~1e-6.
            Close.Assert(batch.AsSpan(row * 2, 2), code, 1e-5);
        }
    }

    [Fact]
    public void Eight_threads_calling_concurrently_get_exactly_the_serial_results()
    {
        const int rows = 400;
        float[] pixels = TestImages.Pixels(rows);
        using var encoder = Encoder.LoadDefault();
        float[][] serial = Enumerable.Range(0, rows).Select(r => encoder.Encode(pixels.AsSpan(r * 784, 784))).ToArray();

        var concurrent = new float[8][][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            concurrent[thread] = new float[rows * 3][];
            for (int call = 0; call < rows * 3; call++)
            {
                int row = (call + thread * 37) % rows;
                concurrent[thread][call] = encoder.Encode(pixels.AsSpan(row * 784, 784));
            }
        });

        for (int thread = 0; thread < 8; thread++)
            for (int call = 0; call < rows * 3; call++)
                Assert.Equal(serial[(call + thread * 37) % rows], concurrent[thread][call]);
    }

    [Fact]
    public void Encoding_after_dispose_is_refused()
    {
        var encoder = Encoder.LoadDefault();
        encoder.Dispose();

        Assert.Throws<ObjectDisposedException>(() => encoder.Encode(new float[784]));
    }
}
