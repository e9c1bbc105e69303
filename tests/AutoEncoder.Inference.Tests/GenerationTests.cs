using AutoEncoder.Inference.Internal;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The committed variational model (<c>models/vae</c>): generating rows, and its encoder's two outputs.</summary>
public sealed class GenerationTests
{
    private static readonly string Vae = Path.Combine(Repository.ModelsFolder, "vae");

    [Fact]
    public void Standard_normal_draws_have_mean_0_and_deviation_1_and_follow_their_seed()
    {
        float[] draws = new float[100_001], again = new float[100_001];
        StandardNormal.Fill(draws, 3);
        StandardNormal.Fill(again, 3);

        // 100,001 draws (an odd count: the last pair's second value is dropped): standard errors 0.003 and 0.002.
        double mean = draws.Average(v => (double)v), deviation = Math.Sqrt(draws.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(0, mean, 0.015);
        Assert.Equal(1, deviation, 0.01);
        Assert.Equal(draws, again);
    }

    [Fact]
    public void Sample_gives_the_same_rows_for_a_seed_and_other_rows_for_another()
    {
        using var decoder = Decoder.Load(Path.Combine(Vae, "decoder.onnx"));

        float[] first = decoder.Sample(4, seed: 1), second = decoder.Sample(4, seed: 1), other = decoder.Sample(4, seed: 2);

        Assert.Equal(4 * 784, first.Length);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.All(first, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Sample_into_a_span_decodes_the_codes_the_seed_draws()
    {
        using var decoder = Decoder.Load(Path.Combine(Vae, "decoder.onnx"));
        var codes = new float[3 * decoder.EmbeddingSize];
        StandardNormal.Fill(codes, 9);
        var rows = new float[3 * 784];

        decoder.Sample(rows, 9);

        Assert.Equal(decoder.DecodeBatch(codes), rows);
    }

    [Fact]
    public void A_plain_decoder_cannot_sample_and_says_why()
    {
        using var decoder = Decoder.LoadDefault(PretrainedModel.Deep);

        var error = Assert.Throws<InvalidOperationException>(() => decoder.Sample(1, 0));

        Assert.False(decoder.IsGenerative);
        Assert.Equal("expected a generative decoder (metadata prior 'standard_normal', a variational autoencoder's), found no prior: codes of a plain autoencoder follow no known distribution", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_count_below_one_is_refused(int count)
    {
        using var decoder = Decoder.Load(Path.Combine(Vae, "decoder.onnx"));

        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Sample(count, 0));
        Assert.Throws<ArgumentException>(() => decoder.Sample(new float[785], 0));
    }

    [Fact]
    public void The_variational_encoder_gives_its_posterior_mean_on_both_backends()
    {
        string path = Path.Combine(Vae, "encoder.onnx");
        float[] pixels = TestImages.Pixels(200);
        using var managed = Encoder.Load(path, new InferenceOptions { Backend = InferenceBackend.Managed });
        using var onnxRuntime = Encoder.Load(path, new InferenceOptions { Backend = InferenceBackend.OnnxRuntime });

        float[] means = OrtReference.Run<float>(File.ReadAllBytes(path), pixels, 200, "embedding");

        // The managed kernel sums in another order than ONNX Runtime's: float32 rounding of codes of magnitude ~1–4.
        Close.Assert(means, managed.EncodeBatch(pixels), 1e-5);
        Assert.Equal(means, onnxRuntime.EncodeBatch(pixels));
        Assert.Equal(2, managed.EmbeddingSize);
    }
}
