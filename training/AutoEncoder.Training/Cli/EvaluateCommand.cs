using System.CommandLine;
using System.Text.Json;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.IO;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder evaluate</c>: reconstruction error and code quality of the exported models.</summary>
internal static class EvaluateCommand
{
    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx and autoencoder.onnx", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data") { Description = TrainedData.Description };
    static readonly Option<bool> AsJson = new("--json") { Description = "Print one JSON object instead of a table" };
    static readonly Option<string?> Noise = new("--noise") { Description = $"Also corrupt the test rows ({NoiseRule.Expected}, seeded) and report the PSNR of their reconstructions against the clean rows, beside the corrupted rows' own" };
    static readonly Option<string?> Out = new("--out") { Description = "Also write the JSON report to this file (the models' own files are never changed)" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("evaluate", "Measure the test loss and 5-NN accuracy of the codes (with a PCA-2 baseline)")
        {
            Models, Data, AsJson, Noise, Out,
        };
        command.SetAction(result => CommandRunner.RunWithTorch(() =>
        {
            string models = result.GetValue(Models)!;
            NoiseRule? noise = result.GetValue(Noise) is { } text ? NoiseRule.Parse(text) : null;
            EvaluationReport report = Evaluator.Evaluate(models, ModelData.Load(models, TrainedData.PathFor(result.GetValue(Data), models)), noise);

            if (result.GetValue(Out) is { } reportPath)
                AtomicFile.WriteAllBytes(reportPath, JsonSerializer.SerializeToUtf8Bytes(report, Json.Options));

            if (result.GetValue(AsJson))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json.Compact));
                return CommandRunner.Success;
            }
            var table = new Table().AddColumns("metric", "value");
            if (report.Loss == "bce") table.AddRow("test BCE (autoencoder.onnx)", $"{report.TestLoss:F4}");
            if (report.TestMse is { } mse) table.AddRow("test MSE (autoencoder.onnx)", $"{mse:F4}");
            if (report.Knn5Accuracy is { } knn && report.Knn1Accuracy is { } nearest && report.Pca2Knn5Accuracy is { } pcaKnn)
            {
                table.AddRow($"{Evaluator.K}-NN accuracy of {report.LatentSize}-D codes", $"{knn:F4}");
                table.AddRow($"1-NN accuracy of {report.LatentSize}-D codes", $"{nearest:F4}");
                table.AddRow($"{Evaluator.K}-NN accuracy of PCA-2 (baseline)", $"{pcaKnn:F4}");
            }
            if (report.Precision10 is { } precision)
                table.AddRow($"precision@{Evaluator.RetrievalK}: same-label share of each test code's nearest train codes", $"{precision:F4}");
            if (report.Recall10 is { } recall)
                table.AddRow($"recall@{Evaluator.RetrievalK} of the partitioned index against exact search", $"{recall:F4}");
            table.AddRow($"trustworthiness (k = {Evaluator.TrustworthinessNeighbors}, first {Evaluator.TrustworthinessRows:N0} test rows)",
                report.Trustworthiness is { } trust ? $"{trust:F4}" : $"skipped: needs {Trustworthiness.MinimumRows(Evaluator.TrustworthinessNeighbors)} test rows or more");
            if (report.Variational is { } vae)
            {
                table.AddRow("test negative ELBO (nats per row)", $"{vae.NegativeElbo:F2}");
                table.AddRow($"test NLL, importance-weighted bound (k = {vae.Samples}, nats per row)", $"{vae.ImportanceWeightedNll:F2}");
            }
            if (report.Denoising is { } denoising)
            {
                table.AddRow($"PSNR of the test rows corrupted by {denoising.Noise} (dB)", $"{denoising.CorruptedPsnr:F2}");
                table.AddRow("PSNR of their reconstructions against the clean rows (dB)", $"{denoising.ReconstructedPsnr:F2}");
            }
            if (report.NearZeroCodes is { } sparsity) table.AddRow($"share of code values within {Evaluator.NearZero} of 0", $"{sparsity:F4}");
            if (report.Anomaly is { } anomaly)
            {
                table.AddRow($"AUROC of scores for \"not {anomaly.NormalClass}\"", $"{anomaly.Auroc:F4}");
                table.AddRow("average precision", $"{anomaly.AveragePrecision:F4}");
                table.AddRow($"precision / recall above threshold {anomaly.Threshold:G4}", $"{anomaly.Precision:F4} / {anomaly.Recall:F4}");
            }
            AnsiConsole.Write(table);
            return CommandRunner.Success;
        }));
        return command;
    }
}
