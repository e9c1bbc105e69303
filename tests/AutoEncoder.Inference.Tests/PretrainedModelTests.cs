using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary><c>LoadDefault(PretrainedModel)</c>: each embedded model is the committed file of that name, byte for byte.</summary>
public sealed class PretrainedModelTests
{
    private static string Sha256Of(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

    [Theory]
    [InlineData(PretrainedModel.Seed, "encoder.onnx")]
    [InlineData(PretrainedModel.Deep, "deep/encoder.onnx")]
    [InlineData(PretrainedModel.Umap, "umap/encoder.onnx")]
    [InlineData(PretrainedModel.Vae, "vae/encoder.onnx")]
    public void Each_encoder_is_the_committed_one(PretrainedModel model, string file)
    {
        using Encoder encoder = Encoder.LoadDefault(model);

        Assert.Equal(Sha256Of(Path.Combine(Repository.ModelsFolder, file)), encoder.Metadata.Sha256);
    }

    [Theory]
    [InlineData(PretrainedModel.Seed, "decoder.onnx", "autoencoder.onnx")]
    [InlineData(PretrainedModel.Deep, "deep/decoder.onnx", "deep/autoencoder.onnx")]
    public void The_seed_and_deep_models_bring_their_decoder_and_full_model(PretrainedModel model, string decoderFile, string fullFile)
    {
        using Decoder decoder = Decoder.LoadDefault(model);
        using AnomalyDetector detector = AnomalyDetector.LoadDefault(model);

        Assert.Equal(Sha256Of(Path.Combine(Repository.ModelsFolder, decoderFile)), decoder.Metadata.Sha256);
        Assert.Equal(Sha256Of(Path.Combine(Repository.ModelsFolder, fullFile)), detector.Metadata.Sha256);
    }

    [Fact]
    public void The_vae_brings_a_generative_decoder_and_no_full_model()
    {
        using Decoder decoder = Decoder.LoadDefault(PretrainedModel.Vae);
        var error = Assert.Throws<ArgumentException>(() => AnomalyDetector.LoadDefault(PretrainedModel.Vae));

        Assert.Equal(Sha256Of(Path.Combine(Repository.ModelsFolder, "vae/decoder.onnx")), decoder.Metadata.Sha256);
        Assert.True(decoder.IsGenerative);
        Assert.StartsWith("expected a model with an autoencoder.onnx, found Vae, which ships its encoder and decoder only (use Seed or Deep)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDefault_without_a_name_is_the_seed_model()
    {
        using Encoder unnamed = Encoder.LoadDefault(), seed = Encoder.LoadDefault(PretrainedModel.Seed);

        Assert.Equal(seed.Metadata.Sha256, unnamed.Metadata.Sha256);
    }

    [Fact]
    public void The_umap_model_has_no_decoder_and_says_which_to_use()
    {
        var error = Assert.Throws<ArgumentException>(() => Decoder.LoadDefault(PretrainedModel.Umap));

        Assert.StartsWith("expected a model with a decoder.onnx, found Umap, which is an encoder only (use Seed or Deep)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_undefined_model_is_refused_naming_the_choices()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Encoder.LoadDefault((PretrainedModel)7));

        Assert.StartsWith("expected Seed, Deep, Umap, Vae", error.Message, StringComparison.Ordinal);
    }
}
