using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AutoEncoder.Training.Clustering;
using AutoEncoder.Training.IO;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder cluster</c>: groups of the training rows' codes, scored against their labels, exported as cluster.onnx.</summary>
internal static class ClusterCommand
{
    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx and its manifest", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data") { Description = TrainedData.Description };
    static readonly Option<string> Clusters = WholeNumberOrAuto(new("--clusters")
    {
        Description = "K, the number of clusters (2 to the training rows), or auto (the default): the Gaussian mixture of least BIC from K = 2 to --max-clusters",
        DefaultValueFactory = _ => "auto",
    });
    static readonly Option<ClusterMethod> Method = new("--method") { Description = "kmeans (k-means++ seeds, restarted) or gmm (a Gaussian mixture with full covariances from the k-means solution)", DefaultValueFactory = _ => ClusterMethod.Gmm };
    static readonly Option<long> Seed = new("--seed") { Description = "Seeds the k-means++ draws", DefaultValueFactory = _ => 0 };
    static readonly Option<int?> Restarts = new Option<int?>("--restarts") { Description = "k-means restarts; the least inertia wins (default 10)" }.AtLeast(1);
    static readonly Option<int?> MaxClusters = new Option<int?>("--max-clusters") { Description = "With --clusters auto: the largest K tried (default 20)" }.AtLeast(2);
    static readonly Option<string?> Out = new("--out") { Description = "Folder for cluster.onnx, clusters.csv and cluster.json (default: --models)" };
    static readonly Option<bool> AsJson = new("--json") { Description = "Print the report as one JSON object instead of a table" };
    static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress lines" };

    static Option<string> WholeNumberOrAuto(Option<string> option)
    {
        option.Validators.Add(result =>
        {
            string text = result.GetValueOrDefault<string>() ?? "";
            if (text != "auto" && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                result.AddError($"{option.Name} must be a whole number or auto, found '{text}'");
        });
        return option;
    }

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("cluster", "Cluster the training rows' codes (k-means or a Gaussian mixture), score the clusters against the labels and export cluster.onnx")
        {
            Models, Data, Clusters, Method, Seed, Restarts, MaxClusters, Out, AsJson, Quiet,
        };
        command.SetAction(result => CommandRunner.RunWithTorch(() =>
        {
            string models = result.GetValue(Models)!, text = result.GetValue(Clusters)!;
            var request = new ClusterRun.Request(models, TrainedData.PathFor(result.GetValue(Data), models),
                text == "auto" ? null : int.Parse(text, CultureInfo.InvariantCulture), result.GetValue(Method), result.GetValue(Seed),
                result.GetValue(Restarts) ?? 10, result.GetValue(MaxClusters) ?? 20, result.GetValue(Out) ?? models);
            bool quiet = result.GetValue(Quiet);
            ClusterRun.Report report = ClusterRun.Execute(request, line =>
            {
                if (!quiet) Console.Error.WriteLine(line);
            });
            if (result.GetValue(AsJson))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json.Compact));
                return CommandRunner.Success;
            }
            var table = new Table().AddColumns("", "rows", "accuracy", "NMI", "ARI");
            foreach ((string name, ClusterRun.SplitScores? scores) in new[] { ("train", report.Train), ("test", report.Test), ("all", report.All) })
                if (scores is not null) table.AddRow(name, $"{scores.Rows:N0}", $"{scores.Accuracy:F4}", $"{scores.Nmi:F4}", $"{scores.Ari:F4}");
            string fit = report.Inertia is { } inertia ? $"inertia {inertia:G6}" : $"mean log-likelihood {report.MeanLogLikelihood:F4}, BIC {report.Bic:N0}";
            AnsiConsole.MarkupLine(Markup.Escape($"{report.Method}, K = {report.Clusters} ({report.ChosenBy}), {report.TrainRows:N0} training codes in {report.Seconds:F1} s: {fit}"));
            if (report.Train is not null) AnsiConsole.Write(table);
            Console.WriteLine($"wrote {Path.Combine(request.OutDir, ClusterRun.ModelFile)}, {ClusterRun.TableFile} and {ClusterRun.ReportFile}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
