using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

public sealed class DecoderTests
{
    [Fact]
    public void Decoding_encoded_images_equals_the_full_autoencoder_model()
    {
        const int rows = 500;
        float[] pixels = TestImages.Pixels(rows);
        using var encoder = Encoder.LoadDefault();
        using var decoder = Decoder.LoadDefault();
        byte[] full = File.ReadAllBytes(Path.Combine(Repository.ModelsFolder, "autoencoder.onnx"));

        float[] reconstructions = decoder.DecodeBatch(encoder.EncodeBatch(pixels));

        // The same Gemm/Sigmoid operators run in the same runtime: agreement to float32 rounding.
        Close.Assert(OrtReference.Run(full, pixels, rows), reconstructions, 1e-6);
    }

    private static Decoder WithScaling(string? json)
    {
        var proto = TestModels.Encoder([2, 3], null, role: "decoder");
        if (json is not null) proto.MetadataProps.Add(new AutoEncoder.Onnx.Schema.StringStringEntryProto { Key = "input_scaling", Value = json });
        return Decoder.Load(Google.Protobuf.MessageExtensions.ToByteArray(proto));
    }

    [Fact]
    public void Raw_values_undo_the_recorded_scaling_feature_by_feature()
    {
        using var decoder = WithScaling("""{"rule":"standard","offset":[1,2,-3],"scale":[0.5,4,1]}""");
        float[] rows = [1, 1, 1, 2, -4, 0];

        decoder.ToRawValues(rows);

        // value / scale + offset, exact in float32 for these values.
        Assert.Equal([3f, 2.25f, -2f, 5f, 1f, -3f], rows);
    }

    [Fact]
    public void Raw_values_of_a_model_trained_on_unscaled_data_are_the_values()
    {
        using var decoder = Decoder.LoadDefault();
        float[] image = decoder.Decode([0.5f, -1.5f]);
        float[] copy = [.. image];

        decoder.ToRawValues(copy);

        Assert.Equal(image, copy);
    }

    [Theory]
    [InlineData("""{"rule":"standard","offset":[1,2],"scale":[1,1]}""", "vectors of 3 values, found 2")]
    [InlineData("""{"rule":"standard","offset":[1,2,3],"scale":[1,0,1]}""", "non-zero finite scales")]
    [InlineData("""not json""", "as JSON with offset and scale vectors")]
    public void A_malformed_recorded_scaling_is_refused_at_load(string json, string found)
    {
        var error = Assert.Throws<InvalidDataException>(() => WithScaling(json));

        Assert.Contains(found, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconstructions_are_probabilities_of_image_size()
    {
        using var decoder = Decoder.LoadDefault();

        float[] image = decoder.Decode([0.5f, -1.5f]);

        Assert.Equal((2, 784), (decoder.EmbeddingSize, decoder.OutputSize));
        Assert.Equal(784, image.Length);
        Assert.All(image, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Allocation_free_decode_matches_the_array_form()
    {
        using var decoder = Decoder.LoadDefault();
        float[] code = [1.25f, 0.5f];
        var image = new float[784];

        decoder.Decode(code, image);

        Assert.Equal(decoder.DecodeBatch(code), image, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void An_encoder_loaded_as_a_decoder_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => Decoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx")));

        Assert.EndsWith("expected a model with role 'decoder', found 'encoder'", error.Message);
    }

    [Fact]
    public void A_nan_code_is_refused()
    {
        using var decoder = Decoder.LoadDefault();

        var error = Assert.Throws<ArgumentException>(() => decoder.Decode([0f, float.NaN]));

        Assert.Equal("embedding", error.ParamName);
        Assert.StartsWith("expected finite values, found NaN at index 1", error.Message);
    }

    // One code, and 3,000 codes (which the managed kernel splits across threads), on both paths.
    [Theory]
    [InlineData(1, InferenceBackend.Managed)]
    [InlineData(3_000, InferenceBackend.Managed)]
    [InlineData(1, InferenceBackend.OnnxRuntime)]
    [InlineData(3_000, InferenceBackend.OnnxRuntime)]
    public void A_non_finite_code_is_refused_naming_its_index(int rows, InferenceBackend backend)
    {
        using var decoder = Decoder.LoadDefault(new InferenceOptions { Backend = backend });
        float[] codes = new float[2 * rows];
        codes[^1] = float.NegativeInfinity;

        var error = Assert.Throws<ArgumentException>(() => decoder.DecodeBatch(codes));

        Assert.Equal("embeddings", error.ParamName);
        Assert.StartsWith($"expected finite values, found {float.NegativeInfinity} at index {2 * rows - 1}", error.Message);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
