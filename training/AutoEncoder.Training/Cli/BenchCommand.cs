using System.CommandLine;
using AutoEncoder.Training.Bench;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder bench</c>: training speed, side by side with PyTorch in the same run.</summary>
internal static class BenchCommand
{
    static readonly Option<string> Data = new("--data") { Description = "MNIST folder of IDX files", DefaultValueFactory = _ => "data/mnist" };
    static readonly Option<string> Reference = new("--reference")
    {
        Description = "The PyTorch reference script (skipped when PyTorch is not installed)",
        DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "Bench", "pytorch_reference.py"),
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Time the seed preset (5 epochs), one deep-preset epoch (fused and autograd path), one conv-preset epoch (and its layers' kernels alone) and two vae-preset epochs against PyTorch") { Data, Reference };
        command.SetAction(result => CommandRunner.RunWithTorch(() => Execute(result.GetValue(Data)!, result.GetValue(Reference)!)));
        return command;
    }

    static int Execute(string dataPath, string reference)
    {
        DataSet data = DataSource.Load(dataPath, new DataOptions(), 0);
        var progress = new LogProgress(Console.Error);

        Console.Error.WriteLine("measuring the matmul peak (2048×2048 products, libtorch and ONNX Runtime, 1 and 2 threads) ...");
        MatmulPeak.Rates peak1 = MatmulPeak.Measure(1), peak2 = MatmulPeak.Measure(2);
        Console.Error.WriteLine("seed preset, 5 epochs ...");
        TrainingBenchmark.Run seed = TrainingBenchmark.Measure("seed", TrainingConfig.SeedPreset, data, progress);
        Console.Error.WriteLine("deep preset, 1 epoch ...");
        // The loop PyTorch's reference runs: the deep architecture at batch 256, Adam 1e-3, constant rate.
        TrainingConfig deepConfig = TrainingConfig.DeepPreset with
        {
            Epochs = 1, BatchSize = 256, LearningRate = 1e-3, Schedule = LearningRateSchedule.Constant,
        };
        TrainingBenchmark.Run deep = TrainingBenchmark.Measure("deep", deepConfig, data, progress);
        // The general path on the same loops: what a network the fused step cannot compute costs.
        Console.Error.WriteLine("seed preset and deep epoch again, autograd path ...");
        TrainingBenchmark.Run seedAutograd = TrainingBenchmark.Measure("seed", TrainingConfig.SeedPreset with { Path = TrainingPath.Autograd }, data, progress);
        TrainingBenchmark.Run deepAutograd = TrainingBenchmark.Measure("deep", deepConfig with { Path = TrainingPath.Autograd }, data, progress);
        Console.Error.WriteLine("conv preset, 1 epoch, twice ...");
        // PyTorch's loop again: the conv architecture at the preset's batch 128, Adam 1e-3, constant rate. The
        // faster of two epochs, as the reference takes: one epoch took 16 to 25 s in three runs here (2026-12-02).
        TrainingConfig convConfig = TrainingConfig.ConvPreset with { Epochs = 1, LearningRate = 1e-3, Schedule = LearningRateSchedule.Constant };
        TrainingBenchmark.Run conv = new[] { TrainingBenchmark.Measure("conv", convConfig, data, progress), TrainingBenchmark.Measure("conv", convConfig, data, progress) }
            .MinBy(run => run.Seconds)!;
        Console.Error.WriteLine("conv preset's layers alone, forward and backward ...");
        LayerKernelBenchmark.Result convKernels = LayerKernelBenchmark.Measure(convConfig, data);
        Console.Error.WriteLine("vae preset, 2 epochs ...");
        // Two of the preset's 30 epochs, as the reference runs them.
        TrainingBenchmark.Run vae = TrainingBenchmark.Measure("vae", TrainingConfig.VaePreset with { Epochs = 2 }, data, progress);
        MatmulPeak.Rates deepPeak = deepConfig.Threads == 1 ? peak1 : peak2, convPeak = convConfig.Threads == 1 ? peak1 : peak2;

        Console.Error.WriteLine("PyTorch reference ...");
        (PyTorchReference.Result? torch, string? missing) = PyTorchReference.Run(reference, dataPath);

        var table = new Table().AddColumns("loop", "AutoEncoder", "PyTorch", "ours / PyTorch");
        void Row(string name, double ours, double? theirs, string format) =>
            table.AddRow(name, ours.ToString(format), theirs?.ToString(format) ?? "–", theirs is { } t ? $"{ours / t:F2}×" : "–");
        Row("seed: 5 epochs, batch 32 (s)", seed.Seconds, torch?.Seed.Seconds, "F2");
        Row("seed: final train loss", seed.FinalTrainLoss, torch?.Seed.FinalTrainLoss, "F4");
        Row("deep: 1 epoch, batch 256 (s)", deep.Seconds, torch?.DeepEpoch.Seconds, "F2");
        Row("deep: train loss after 1 epoch", deep.FinalTrainLoss, torch?.DeepEpoch.FinalTrainLoss, "F4");
        Row("seed, autograd path (s)", seedAutograd.Seconds, torch?.Seed.Seconds, "F2");
        Row("deep, autograd path (s)", deepAutograd.Seconds, torch?.DeepEpoch.Seconds, "F2");
        Row("conv: 1 epoch, batch 128 (s)", conv.Seconds, torch?.ConvEpoch.Seconds, "F2");
        Row("conv: train loss after 1 epoch", conv.FinalTrainLoss, torch?.ConvEpoch.FinalTrainLoss, "F4");
        Row("vae: 2 epochs, batch 128 (s)", vae.Seconds, torch?.VaeEpochs.Seconds, "F2");
        Row("vae: negative ELBO after 2 epochs (nats)", vae.FinalTrainLoss, torch?.VaeEpochs.FinalTrainLoss, "F2");
        AnsiConsole.Write(table);

        Console.WriteLine($"seed: {seed.StepsPerSecond:N0} steps/s, {seed.SamplesPerSecond:N0} samples/s ({TrainingConfig.SeedPreset.Threads} thread)");
        foreach (MatmulPeak.Rates peak in new[] { peak1, peak2 })
            Console.WriteLine($"matmul peak on {peak.Threads} thread(s): libtorch {peak.Libtorch:F1} GFLOP/s, ONNX Runtime {peak.OnnxRuntime:F1} GFLOP/s; the limit is {peak.BestKernel}'s");
        Console.WriteLine($"deep: {deep.StepsPerSecond:N1} steps/s, {deep.SamplesPerSecond:N0} samples/s, {deep.GflopsPerSecond:F1} GFLOP/s " +
                          $"= {deep.GflopsPerSecond / deepPeak.Best:P0} of the peak on {deepConfig.Threads} threads");
        Console.WriteLine($"conv: {conv.StepsPerSecond:N1} steps/s, {conv.SamplesPerSecond:N0} samples/s, {conv.GflopsPerSecond:F1} GFLOP/s " +
                          $"= {conv.GflopsPerSecond / convPeak.Best:P0} of the peak on {convConfig.Threads} threads ({conv.Gflops / convConfig.Epochs:N0} GFLOP an epoch, forward and backward)");
        // The loop's ceiling with these kernels: what its activations, loss, optimizer and graph leave of the peak.
        Console.WriteLine($"conv, its layers' kernels alone (forward and backward as training computes them, {convConfig.Threads} shards at once, " +
                          $"no activation, loss or optimizer; fastest of {LayerKernelBenchmark.Steps} steps): {convKernels.StepSeconds * 1e3:F1} ms a step against the epoch's " +
                          $"{1e3 / conv.StepsPerSecond:F1}, {convKernels.GflopsPerSecond:F1} GFLOP/s = {convKernels.GflopsPerSecond / convPeak.Best:P0} of the peak");
        Console.WriteLine(torch is null
            ? $"PyTorch reference not run: {missing}"
            : $"PyTorch {torch.Torch}: seed on {torch.Seed.Threads} thread(s), deep on {torch.DeepEpoch.Threads}, conv on {torch.ConvEpoch.Threads}, vae on {torch.VaeEpochs.Threads}");
        return CommandRunner.Success;
    }
}
