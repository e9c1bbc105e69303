using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary><c>AnomalyDetector.Reconstruct</c>: the full model's output, what a denoising autoencoder returns.</summary>
public sealed class ReconstructTests
{
    [Fact]
    public void A_row_and_a_batch_give_the_full_models_output()
    {
        float[] pixels = TestImages.Pixels(20);
        using var model = AnomalyDetector.LoadDefault(PretrainedModel.Deep);
        byte[] full = File.ReadAllBytes(Path.Combine(Repository.ModelsFolder, "deep", "autoencoder.onnx"));

        float[] batch = model.ReconstructBatch(pixels);
        float[] first = model.Reconstruct(pixels.AsSpan(0, 784));

        // The same file in the same runtime (the deep model is past the managed kernel's size): equal floats.
        Assert.Equal(OrtReference.Run(full, pixels, 20), batch);
        Assert.Equal(batch[..784], first);
    }

    [Fact]
    public void Reconstruct_into_a_span_allocates_nothing_on_the_managed_kernel()
    {
        float[] row = TestImages.Pixels(1), destination = new float[784];
        using var model = AnomalyDetector.LoadDefault();
        model.Reconstruct(row, destination);

        Assert.Equal(0, Allocations.Fewest(() => model.Reconstruct(row, destination)));
    }

    [Fact]
    public void Wrong_lengths_are_refused_naming_both()
    {
        using var model = AnomalyDetector.LoadDefault();

        var row = Assert.Throws<ArgumentException>(() => model.Reconstruct(new float[783]));
        var destination = Assert.Throws<ArgumentException>(() => model.Reconstruct(new float[784], new float[10]));

        Assert.StartsWith("expected a row of 784 values, found 783", row.Message, StringComparison.Ordinal);
        Assert.StartsWith("expected a reconstruction of 784 values, found 10", destination.Message, StringComparison.Ordinal);
    }
}
