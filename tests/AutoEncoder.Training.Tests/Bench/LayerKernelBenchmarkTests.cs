using AutoEncoder.Training.Bench;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Bench;

public sealed class LayerKernelBenchmarkTests
{
    // Convolutions of 8 and 16 channels, 16·7·7 = 784 values into the dense layers, 32 hidden units, 2-D codes.
    private static AutoEncoderModel SmallConvModel()
    {
        torch.manual_seed(3);
        var model = new AutoEncoderModel(new ModelConfig(784, [32], 2, Activation.Relu, new ConvOptions([8, 16], [1, 28, 28])));
        model.train();
        return model;
    }

    [Fact]
    public void Every_layer_with_weights_is_timed_on_the_input_shape_training_gives_it()
    {
        using AutoEncoderModel model = SmallConvModel();

        List<LayerKernelBenchmark.LayerRun> runs = LayerKernelBenchmark.LayerRuns(model, rows: 5);

        long[][] expected = [[5, 1, 28, 28], [5, 8, 14, 14], [5, 784], [5, 32], [5, 2], [5, 32], [5, 16, 7, 7], [5, 8, 14, 14]];
        Assert.Equal(expected, runs.Select(run => run.Input.shape));
        Assert.Equal(model.Plan.Layers.Count(layer => layer.MultiplyAdds > 0), runs.Count);
        foreach (var run in runs) run.Input.Dispose();
    }

    [Fact]
    public void Only_the_data_is_read_without_an_input_gradient()
    {
        using AutoEncoderModel model = SmallConvModel();

        List<LayerKernelBenchmark.LayerRun> runs = LayerKernelBenchmark.LayerRuns(model, rows: 5);

        Assert.Equal([false, true, true, true, true, true, true, true], runs.Select(run => run.Input.requires_grad));
        foreach (var run in runs) run.Input.Dispose();
    }

    [Fact]
    public void A_step_counts_the_arithmetic_the_layer_plan_counts_for_the_batch()
    {
        TrainingConfig config = TrainingConfig.ConvPreset with { BatchSize = 16 };

        LayerKernelBenchmark.Result result = LayerKernelBenchmark.Measure(config, Mnist.DataSet, steps: 2);

        using var model = new AutoEncoderModel(TrainingData.Resolve(config, Mnist.DataSet).Model);
        Assert.Equal(model.Plan.TrainingFlops(16) / 1e9, result.StepGflop);
        Assert.True(result.StepSeconds > 0, $"expected a positive step time, found {result.StepSeconds} s");
    }
}
