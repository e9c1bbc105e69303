using System.Diagnostics;
using AutoEncoder.Inference;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Preprocessing;

namespace AutoEncoder.Training.Bench;

/// <summary>
/// The one-class protocol: train on one class's training rows, score every test row with the exported
/// full model through <see cref="AnomalyDetector"/>, and measure how well the scores rank the other
/// classes above it (AUROC), beside PCA's reconstruction error with <see cref="PcaComponents"/> components.
/// </summary>
internal static class OneClassBenchmark
{
    /// <summary>Components of the PCA baseline (the reference figures were measured with 32).</summary>
    public const int PcaComponents = 32;

    /// <summary>What one class's run achieved.</summary>
    public sealed record ClassResult(int Label, double Auroc, double PcaAuroc, double AveragePrecision, double TrainSeconds);

    /// <summary>Trains <paramref name="preset"/> on the rows labelled <paramref name="label"/> and scores the test set.</summary>
    public static ClassResult Measure(TrainingConfig preset, int label, DataSet data, ITrainingProgress progress)
    {
        TrainingConfig config = TrainingData.Resolve(preset with { NormalClass = label }, data);
        TrainingData prepared = TrainingData.Prepare(data, config);
        float[] test = data.Test.Rows;
        bool[] anomalous = [.. data.Test.RequireLabels("bench-anomaly").Select(l => l != label)];

        var clock = Stopwatch.StartNew();
        using var trainer = new Trainer(config, data.Checksums);
        trainer.Run(prepared.Train, prepared.Evaluation, progress, CancellationToken.None);
        double seconds = clock.Elapsed.TotalSeconds;
        var source = new ModelExport.Source(trainer.Model, config, prepared.Scaler, data.Image, data.Checksums, trainer.State.History[^1].TestLoss);
        ModelExport.Result export = ModelExport.Build(source, test, data.Test.Count, prepared.Calibration!.Rows);
        float[] scores;
        using (var detector = AnomalyDetector.Load(export.Files[ModelRole.Autoencoder]))
            scores = detector.ScoreBatch(test);

        float[] pcaScores = PrincipalComponents.Fit(prepared.Train.Rows, prepared.Train.Count, data.Width, PcaComponents)
            .ReconstructionErrors(prepared.Scaler.Apply(data.Test).Rows, data.Test.Count);
        return new ClassResult(label, RankingMetrics.Auroc(scores, anomalous), RankingMetrics.Auroc(pcaScores, anomalous),
            RankingMetrics.AveragePrecision(scores, anomalous), seconds);
    }
}
