using System.CommandLine;
using AutoEncoder.Inference;
using AutoEncoder.Training.Bench;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder bench-anomaly</c>: the one-class protocol over every class, beside a PCA baseline.</summary>
internal static class BenchAnomalyCommand
{
    static readonly Option<string> Data = new("--data") { Description = "MNIST-layout data (folder of IDX files or .npz)", DefaultValueFactory = _ => "data/mnist" };
    static readonly Option<string> Classes = new("--classes") { Description = "Labels to run, e.g. 0,8; all ten by default", DefaultValueFactory = _ => "0,1,2,3,4,5,6,7,8,9" };
    static readonly Option<int?> Epochs = new Option<int?>("--epochs") { Description = "Override the anomaly preset's epochs" }.AtLeast(1);
    static readonly Option<AnomalyScore?> Score = new("--score") { Description = "mse, bce or structural (default: the preset's, structural)" };
    static readonly Option<string?> Hidden = new("--hidden") { Description = "Override the preset's hidden widths, e.g. 256,64" };
    static readonly Option<int?> Latent = new Option<int?>("--latent") { Description = "Override the preset's code width" }.AtLeast(1);
    static readonly Option<int?> BatchSize = new Option<int?>("--batch-size") { Description = "Override the preset's batch size" }.AtLeast(1);
    static readonly Option<double?> LearningRate = new Option<double?>("--learning-rate") { Description = "Override the preset's Adam step size" }.Positive();
    static readonly Option<LearningRateSchedule?> Schedule = new("--schedule") { Description = "Override the preset's schedule: constant or cosine" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench-anomaly",
            "Train the anomaly preset on each class in turn, score the whole test set, and report AUROC beside PCA-32")
        {
            Data, Classes, Epochs, Score, Hidden, Latent, BatchSize, LearningRate, Schedule,
        };
        command.SetAction(result => CommandRunner.RunWithTorch(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        DataSet data = DataSource.Load(result.GetValue(Data)!, new DataOptions(), 0);
        TrainingConfig preset = TrainingConfig.AnomalyPreset;
        preset = preset with
        {
            Epochs = result.GetValue(Epochs) ?? preset.Epochs,
            Score = result.GetValue(Score) ?? preset.Score,
            BatchSize = result.GetValue(BatchSize) ?? preset.BatchSize,
            LearningRate = result.GetValue(LearningRate) ?? preset.LearningRate,
            Schedule = result.GetValue(Schedule) ?? preset.Schedule,
            Model = preset.Model with
            {
                Hidden = result.GetValue(Hidden) is { } hidden ? TrainCommand.ParseWidths(hidden, "--hidden") : preset.Model.Hidden,
                Latent = result.GetValue(Latent) ?? preset.Model.Latent,
            },
        };
        preset.Validate();
        int[] labels = ParseLabels(result.GetValue(Classes)!);

        Console.Error.WriteLine($"one-class protocol, {preset.Model} {preset.Score.ToString().ToLowerInvariant()} score, {preset.Epochs} epochs, " +
                                $"batch {preset.BatchSize}, lr {preset.LearningRate} {preset.Schedule.ToString().ToLowerInvariant()}, classes {string.Join(',', labels)}");
        var table = new Table().AddColumns("normal class", "AUROC", $"PCA-{OneClassBenchmark.PcaComponents} AUROC", "average precision", "train (s)");
        var results = new List<OneClassBenchmark.ClassResult>();
        foreach (int label in labels)
        {
            OneClassBenchmark.ClassResult r = OneClassBenchmark.Measure(preset, label, data, new EpochLog());
            Console.Error.WriteLine($"class {label}: AUROC {r.Auroc:F4} (PCA-{OneClassBenchmark.PcaComponents} {r.PcaAuroc:F4}), trained in {r.TrainSeconds:F1} s");
            results.Add(r);
            table.AddRow($"{label}", $"{r.Auroc:F4}", $"{r.PcaAuroc:F4}", $"{r.AveragePrecision:F4}", $"{r.TrainSeconds:F1}");
        }
        table.AddRow("mean", $"{results.Average(r => r.Auroc):F4}", $"{results.Average(r => r.PcaAuroc):F4}",
            $"{results.Average(r => r.AveragePrecision):F4}", $"{results.Average(r => r.TrainSeconds):F1}");
        // A console over the current Console.Out (AnsiConsole.Console keeps the writer it first saw).
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }).Write(table);
        return CommandRunner.Success;
    }

    static int[] ParseLabels(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, out int label) && label >= 0
                ? label
                : throw new ArgumentException($"--classes expects labels ≥ 0 separated by commas, found '{part}'"))];

    /// <summary>Ten classes of thirty epochs: one line per class is progress enough, so epochs only tick a dot.</summary>
    private sealed class EpochLog : Fitting.ITrainingProgress
    {
        public void EpochStarted(int epoch, int epochs, int batches, int firstBatch) { }

        public void BatchCompleted(int batch, int rows, double runningLoss) { }

        public void EpochCompleted(Artifacts.EpochRecord record) => Console.Error.Write('.');
    }
}
