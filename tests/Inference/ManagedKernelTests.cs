using AutoEncoder.Inference;
using AutoEncoder.Tests.Onnx;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Onnx;
using Xunit;

namespace AutoEncoder.Tests.Inference;

/// <summary>
/// Small Gemm chains run in the managed kernel; everything must equal ONNX Runtime on the same model.
/// Tolerance 1e-5 absolute: both add up to 784 float32 products, in different orders (the same bound
/// and reasoning as the export parity tests).
/// </summary>
public sealed class ManagedKernelTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    const int Rows = 2000;

    [Fact]
    public void The_default_models_run_in_the_managed_kernel()
    {
        using var encoder = Encoder.LoadDefault();
        using var decoder = Decoder.LoadDefault();

        Assert.True(encoder.UsesManagedKernel);
        Assert.True(decoder.UsesManagedKernel);
    }

    [Fact]
    public void Default_encoder_codes_equal_onnx_runtime()
    {
        float[] pixels = Mnist.TestPixels(Rows);
        using var managed = Encoder.LoadDefault();
        using var runtime = Encoder.LoadDefault(allowManagedKernel: false);

        Assert.False(runtime.UsesManagedKernel);
        Close.Assert(runtime.EncodeBatch(pixels), managed.EncodeBatch(pixels), 1e-5);
    }

    [Fact]
    public void Default_decoder_images_equal_onnx_runtime()
    {
        using var encoder = Encoder.LoadDefault();
        float[] codes = encoder.EncodeBatch(Mnist.TestPixels(Rows));
        using var managed = Decoder.LoadDefault();
        using var runtime = Decoder.LoadDefault(allowManagedKernel: false);

        Close.Assert(runtime.DecodeBatch(codes), managed.DecodeBatch(codes), 1e-5);
    }

    [Fact]
    public void A_tanh_model_with_a_hidden_layer_runs_managed_and_equals_onnx_runtime()
    {
        float[] pixels = Mnist.TestPixels(Rows);
        byte[] bytes = models.Onnx("tanh", ModelRole.Encoder);
        using var managed = Encoder.Load(bytes.AsMemory());
        float[] codes = managed.EncodeBatch(pixels);
        byte[] decoderBytes = models.Onnx("tanh", ModelRole.Decoder);
        using var decoder = Decoder.Load(decoderBytes.AsMemory());

        Assert.True(managed.UsesManagedKernel);
        Assert.True(decoder.UsesManagedKernel);
        Close.Assert(OrtRunner.Run(bytes, pixels, Rows), codes, 1e-5);
        Close.Assert(OrtRunner.Run(decoderBytes, codes, Rows), decoder.DecodeBatch(codes), 1e-5);
    }

    [Fact]
    public void A_model_too_large_for_the_kernel_runs_in_onnx_runtime()
    {
        // 784·128 + 128·64 + 64·2 multiply-adds per row: beyond the managed kernel's limit.
        byte[] bytes = models.Onnx("relu", ModelRole.Encoder);
        float[] pixels = Mnist.TestPixels(100);
        using var encoder = Encoder.Load(bytes.AsMemory());

        Assert.False(encoder.UsesManagedKernel);
        Assert.Equal(OrtRunner.Run(bytes, pixels, 100), encoder.EncodeBatch(pixels));
    }

    [Fact]
    public void Batches_large_enough_to_split_across_threads_equal_row_by_row_results()
    {
        // 10,000 rows × 1,568 multiply-adds is several parallel chunks.
        float[] pixels = Mnist.TestPixels(10_000);
        using var encoder = Encoder.LoadDefault();
        float[] batch = encoder.EncodeBatch(pixels);
        var row = new float[2];

        for (int r = 0; r < 10_000; r += 97)
        {
            encoder.Encode(pixels.AsSpan(r * 784, 784), row);
            // One kernel for every batch size: bit-identical, not merely close.
            Assert.Equal(batch.AsSpan(r * 2, 2).ToArray(), row);
        }
    }
}
