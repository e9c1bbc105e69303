using System.Diagnostics;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Bench;

/// <summary>
/// The least time a training step of a network can take with the kernels its training runs: every layer
/// with weights, forward and backward, computed as training computes it (oneDNN's convolutions, ONNX
/// Runtime's products, the hand-written transposed convolution to one channel), one shard of the batch per
/// thread at once as training splits it, and nothing else: no activation, loss, optimizer or graph between
/// the layers. Against the matmul peak it bounds the share of the peak the whole training step can reach.
/// </summary>
/// <remarks>
/// For networks the autograd step splits into one shard per thread (no batch normalisation or dropout), such
/// as the conv preset's, which is what <c>bench</c> measures: a network it does not split trains on one
/// shard with several libtorch threads, which this does not reproduce.
/// </remarks>
internal static class LayerKernelBenchmark
{
    /// <summary>The fastest step of the layers' kernels, and a step's arithmetic as the layer plan counts it.</summary>
    public sealed record Result(double StepSeconds, double StepGflop)
    {
        /// <summary>GFLOP/s of the layers' kernels alone.</summary>
        public double GflopsPerSecond => StepGflop / StepSeconds;
    }

    /// <summary>Steps timed by default; the fastest is reported.</summary>
    public const int Steps = 20;

    /// <summary>Times the layers of <paramref name="config"/>'s network on batches of its size: the fastest of <paramref name="steps"/> steps after one to warm up.</summary>
    public static Result Measure(TrainingConfig config, DataSet data, int steps = Steps)
    {
        config = TrainingData.Resolve(config, data);
        manual_seed(config.Seed);
        using var model = new AutoEncoderModel(config.Model);
        model.train();
        int shards = config.Threads, rows = (config.BatchSize + shards - 1) / shards;
        int threads = get_num_threads();
        set_num_threads(1);
        List<LayerRun>[] runs = [.. Enumerable.Range(0, shards).Select(_ => LayerRuns(model, rows))];
        try
        {
            using var workers = new ShardWorkers(shards, () => set_num_threads(1));
            var unused = new double[shards];
            double best = double.MaxValue;
            for (int step = 0; step <= steps; step++)
            {
                var clock = Stopwatch.StartNew();
                workers.Run(k => { foreach (LayerRun run in runs[k]) run.ForwardAndBackward(); return 0; }, unused);
                if (step > 0) best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            return new Result(best, model.Plan.TrainingFlops(config.BatchSize) / 1e9);
        }
        finally
        {
            foreach (LayerRun run in runs.SelectMany(r => r)) run.Input.Dispose();
            set_num_threads(threads);
        }
    }

    /// <summary>Each layer with weights and an input of the shape training gives it, from one pass of random rows through every layer.</summary>
    internal static List<LayerRun> LayerRuns(AutoEncoderModel model, int rows)
    {
        var runs = new List<LayerRun>();
        using (no_grad())
        {
            Tensor x = rand(rows, model.Config.InputSize);
            foreach (var (layer, step) in model.TrainingLayers)
            {
                Tensor[] weights = [.. layer.parameters()];
                // The data needs no gradient: training skips the first layer's input gradient too.
                if (weights.Length > 0) runs.Add(new LayerRun(step, x.clone().requires_grad_(runs.Count > 0), weights));
                Tensor next = step(x);
                if (!ReferenceEquals(next, x)) x.Dispose();
                x = next;
            }
            x.Dispose();
        }
        return runs;
    }

    /// <summary>One layer's forward and backward on a fixed input, with an output gradient of ones.</summary>
    internal sealed class LayerRun(Func<Tensor, Tensor> step, Tensor input, Tensor[] weights)
    {
        /// <summary>What the layer reads, of the shape training gives it.</summary>
        public Tensor Input { get; } = input;

        /// <summary>The layer's output, then the gradients of its weights and (except for the data) of its input.</summary>
        public void ForwardAndBackward()
        {
            using DisposeScope scope = NewDisposeScope();
            Tensor output = step(Input);
            autograd.grad([output], Input.requires_grad ? [Input, .. weights] : weights, [ones_like(output)]);
        }
    }
}
