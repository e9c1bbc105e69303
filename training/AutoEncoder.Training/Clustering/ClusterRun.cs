using DataTable = System.Data.DataTable;
using System.Diagnostics;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.IO;
using Sylvan.Data.Csv;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Clustering;

/// <summary>
/// <c>autoencoder cluster</c> from models to files: the training rows encoded by the exported encoder (as an app
/// would), the clustering fitted on their codes, every row assigned, the assignment scored against the labels
/// when the data have them, and <c>cluster.onnx</c>, <c>clusters.csv</c> and <c>cluster.json</c> written once
/// everything passed.
/// </summary>
internal static class ClusterRun
{
    /// <summary>File names written into the output folder.</summary>
    public const string ModelFile = "cluster.onnx", TableFile = "clusters.csv", ReportFile = "cluster.json";

    /// <summary>Rows the exported graph is checked on against TorchSharp.</summary>
    private const int ParityRows = 1000;

    /// <summary>What to cluster.</summary>
    /// <param name="ModelsDir">The folder of the trained models (encoder.onnx and manifest.json).</param>
    /// <param name="DataPath">The data they were trained on.</param>
    /// <param name="Clusters">K, or null to choose it by BIC from 2 to <paramref name="MaxClusters"/> (Gaussian mixtures only).</param>
    /// <param name="Method">k-means or a Gaussian mixture.</param>
    /// <param name="Seed">Seeds the k-means++ draws.</param>
    /// <param name="Restarts">k-means restarts; the least inertia wins.</param>
    /// <param name="MaxClusters">The largest K that <c>--clusters auto</c> tries.</param>
    /// <param name="OutDir">Where the files go.</param>
    public sealed record Request(string ModelsDir, string DataPath, int? Clusters, ClusterMethod Method, long Seed, int Restarts, int MaxClusters, string OutDir);

    /// <summary>Agreement of one set of rows with their labels.</summary>
    public sealed record SplitScores(int Rows, double Accuracy, double Nmi, double Ari);

    /// <summary>One K tried by <c>--clusters auto</c>.</summary>
    public sealed record Candidate(int Clusters, double Bic);

    /// <summary>What <c>cluster</c> reports (cluster.json).</summary>
    /// <param name="Method">kmeans or gmm.</param>
    /// <param name="Clusters">K.</param>
    /// <param name="ChosenBy">"given", or "bic" when <c>--clusters auto</c> chose K.</param>
    /// <param name="TrainRows">Codes fitted.</param>
    /// <param name="Inertia">k-means: the fitted codes' summed squared distance to their centroids.</param>
    /// <param name="MeanLogLikelihood">Gaussian mixture: mean log-likelihood per fitted code.</param>
    /// <param name="Bic">Gaussian mixture: its Bayesian information criterion on the fitted codes.</param>
    /// <param name="Sizes">Training rows assigned to each cluster.</param>
    /// <param name="Train">Against the training labels, or null for unlabelled data.</param>
    /// <param name="Test">Against the test labels, or null.</param>
    /// <param name="All">Train and test rows together (the "MNIST-full" protocol of DEC and N2D), or null.</param>
    /// <param name="Candidates">The K tried by <c>--clusters auto</c> and their BIC; null when K was given.</param>
    /// <param name="Seconds">Fitting time, encoding excluded.</param>
    public sealed record Report(string Method, int Clusters, string ChosenBy, int TrainRows, double? Inertia, double? MeanLogLikelihood, double? Bic,
        int[] Sizes, SplitScores? Train, SplitScores? Test, SplitScores? All, IReadOnlyList<Candidate>? Candidates, double Seconds);

    /// <summary>Runs <paramref name="request"/>; <paramref name="log"/> takes progress lines.</summary>
    /// <exception cref="FileNotFoundException">The models, their manifest or the data are missing.</exception>
    /// <exception cref="InvalidDataException">The data are not the models' data, or a fit is degenerate (a singular covariance).</exception>
    /// <exception cref="ArgumentException">K is out of range, or <c>auto</c> was asked of k-means.</exception>
    public static Report Execute(Request request, Action<string> log)
    {
        if (request.Clusters is null && request.Method != ClusterMethod.Gmm)
            throw new ArgumentException("--clusters auto: expected --method gmm (K is chosen by the mixture's BIC), found --method kmeans");
        ModelData model = ModelData.Load(request.ModelsDir, request.DataPath);
        DataSet data = model.Data;
        int trainRows = data.Train.Count;
        if (request.Clusters is { } asked && (asked < 2 || asked > trainRows))
            throw new ArgumentException($"--clusters: expected 2 to {trainRows} (the training rows), found {asked}");
        string encoderPath = Path.Combine(request.ModelsDir, ModelRole.Encoder.FileName());
        byte[] encoderBytes = File.ReadAllBytes(encoderPath);
        float[] trainCodes, testCodes;
        int width;
        using (var encoder = Encoder.Load(encoderBytes))
        {
            log($"encoding {data.Train.Count:N0} training and {data.Test.Count:N0} test rows with {encoderPath} ...");
            (trainCodes, testCodes, width) = (encoder.EncodeBatch(data.Train.Rows), encoder.EncodeBatch(data.Test.Rows), encoder.EmbeddingSize);
        }

        // One libtorch thread: the fits are many small operations on [rows, K] tensors, which two OpenMP threads
        // slow down rather than speed up, badly so when another process shares the cores.
        torch.set_num_threads(1);
        using var scope = NewDisposeScope();
        Tensor codes = tensor(trainCodes, [trainRows, width]);
        var clock = Stopwatch.StartNew();
        List<Candidate>? candidates = null;
        Fitted fit;
        if (request.Clusters is { } k) fit = Fit(codes, k, request, log);
        else
        {
            candidates = [];
            Fitted? best = null;
            for (int candidate = 2; candidate <= Math.Min(request.MaxClusters, trainRows); candidate++)
            {
                Fitted tried = Fit(codes, candidate, request, _ => { });
                double bic = tried.Mixture!.Bic(trainRows);
                log($"K = {candidate}: BIC {bic:N0}");
                if (candidates.Count == 0 || bic < candidates.Min(c => c.Bic)) best = tried;
                candidates.Add(new Candidate(candidate, bic));
            }
            fit = best!;
            log($"--clusters auto: chose K = {fit.Clusters.Clusters}, the least BIC of K = 2 to {candidates[^1].Clusters}");
        }
        double seconds = clock.Elapsed.TotalSeconds;
        GaussianClusters fitted = fit.Clusters;

        (float[] trainProbabilities, int[] trainAssigned) = fitted.Assign(codes);
        (float[] testProbabilities, int[] testAssigned) = fitted.Assign(tensor(testCodes, [data.Test.Count, width]));
        var sizes = new int[fitted.Clusters];
        foreach (int c in trainAssigned) sizes[c]++;

        SplitScores? train = null, test = null, all = null;
        if (data.Train.Labels is { } trainLabels && data.Test.Labels is { } testLabels)
        {
            train = Score(trainAssigned, trainLabels);
            test = Score(testAssigned, testLabels);
            all = Score([.. trainAssigned, .. testAssigned], [.. trainLabels, .. testLabels]);
        }
        else log("the data have no labels: accuracy, NMI and ARI are skipped");

        int parityRows = Math.Min(ParityRows, data.Test.Count);
        byte[] graph = ClusterExport.Build(encoderBytes, fitted, data.Test.Rows[..(parityRows * data.Width)], parityRows);
        var report = new Report(fitted.Method.ToString().ToLowerInvariant(), fitted.Clusters, candidates is null ? "given" : "bic", trainRows,
            fit.Inertia, fit.Mixture?.MeanLogLikelihood, fit.Mixture?.Bic(trainRows), sizes, train, test, all, candidates, seconds);

        AtomicFile.EnsureWritableFolder(request.OutDir);
        AtomicFile.WriteAllBytes(Path.Combine(request.OutDir, ModelFile), graph);
        AtomicFile.Write(Path.Combine(request.OutDir, TableFile), stream => WriteTable(stream, data,
            (trainAssigned, trainProbabilities), (testAssigned, testProbabilities), fitted.Clusters));
        AtomicFile.WriteAllBytes(Path.Combine(request.OutDir, ReportFile), JsonSerializer.SerializeToUtf8Bytes(report, Json.Options));
        return report;
    }

    /// <summary>A fitted clustering with its k-means inertia or its mixture's fit.</summary>
    private sealed record Fitted(GaussianClusters Clusters, double? Inertia, MixtureFit.Result? Mixture);

    /// <summary>k-means, then (for a mixture) EM from its assignment.</summary>
    private static Fitted Fit(Tensor codes, int clusters, Request request, Action<string> log)
    {
        long rows = codes.shape[0], dimensions = codes.shape[1];
        KMeansFit.Result means = KMeansFit.Fit(codes, clusters, request.Seed, request.Restarts,
            (restart, fit) => log($"k-means, K = {clusters}: restart {restart}/{request.Restarts}, inertia {fit.Inertia:G6} after {fit.Iterations} iterations"));
        if (request.Method == ClusterMethod.KMeans)
            return new(GaussianClusters.FromCentroids(means.Centroids, clusters, (int)dimensions, means.Inertia / (rows * dimensions)), means.Inertia, null);
        MixtureFit.Result mixture = MixtureFit.Fit(codes, means.Assigned, clusters, iterationDone: (iteration, likelihood) =>
        {
            if (iteration % 10 == 0) log($"Gaussian mixture, K = {clusters}: iteration {iteration}, mean log-likelihood {likelihood:F4}");
        });
        log($"Gaussian mixture, K = {clusters}: {(mixture.Converged ? "converged" : "stopped unconverged")} after {mixture.Iterations} iterations, mean log-likelihood {mixture.MeanLogLikelihood:F4}");
        return new(mixture.Mixture, null, mixture);
    }

    private static SplitScores Score(int[] assigned, int[] labels)
    {
        ClusterMetrics.Scores scores = ClusterMetrics.Compute(assigned, labels);
        return new SplitScores(assigned.Length, scores.Accuracy, scores.Nmi, scores.Ari);
    }

    /// <summary>clusters.csv: split, row, key (when the data name rows), cluster, label (when known), the cluster's probability.</summary>
    private static void WriteTable(Stream stream, DataSet data, (int[] Assigned, float[] Probabilities) train, (int[] Assigned, float[] Probabilities) test, int k)
    {
        using var table = new DataTable();
        table.Columns.Add("split", typeof(string));
        table.Columns.Add("row", typeof(int));
        bool keys = data.Train.Names is not null, labels = data.Train.Labels is not null;
        if (keys) table.Columns.Add("key", typeof(string));
        table.Columns.Add("cluster", typeof(int));
        if (labels) table.Columns.Add("label", typeof(int));
        table.Columns.Add("probability", typeof(float));
        foreach ((string name, DataSplit split, (int[] assigned, float[] probabilities)) in new[] { ("train", data.Train, train), ("test", data.Test, test) })
            for (int row = 0; row < split.Count; row++)
            {
                var values = new List<object> { name, row };
                if (keys) values.Add(split.Names?[row] ?? "");
                values.Add(assigned[row]);
                if (labels) values.Add(split.Labels?[row] ?? -1);
                values.Add(probabilities[row * k + assigned[row]]);
                table.Rows.Add([.. values]);
            }
        using var writer = new StreamWriter(stream, leaveOpen: true);
        using CsvDataWriter csv = CsvDataWriter.Create(writer);
        csv.Write(table.CreateDataReader());
    }
}
