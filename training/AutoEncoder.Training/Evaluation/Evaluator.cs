using AutoEncoder.Inference;
using AutoEncoder.Inference.Internal;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Measures the exported models, as shipped: codes come from encoder.onnx through AutoEncoder.Inference
/// (fed raw rows), reconstructions from autoencoder.onnx in ONNX Runtime. Nothing here runs TorchSharp's model.
/// </summary>
internal static class Evaluator
{
    /// <summary>Neighbours that vote in the k-NN accuracy.</summary>
    public const int K = 5;

    /// <summary>Neighbours of the trustworthiness measure (scikit-learn's default is 5; 10 is what the reference figures use).</summary>
    public const int TrustworthinessNeighbors = 10;

    /// <summary>Neighbours of the retrieval figure: precision@10 of the test rows' nearest training rows.</summary>
    public const int RetrievalK = 10;

    /// <summary>Test rows the trustworthiness is measured on (it compares all pairs).</summary>
    public const int TrustworthinessRows = 5000;

    /// <summary>A code value this close to 0 counts as zero in <see cref="EvaluationReport.NearZeroCodes"/>.</summary>
    public const double NearZero = 0.01;

    /// <summary>
    /// Evaluates the models in <paramref name="modelsDir"/> on the data set they were trained on; with
    /// <paramref name="noise"/>, also how the full model reconstructs test rows corrupted so.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="noise"/> is given for models without a full model.</exception>
    public static EvaluationReport Evaluate(string modelsDir, ModelData model, NoiseRule? noise = null)
    {
        (DataSet data, TrainingConfig config) = (model.Data, model.Config);
        // A UMAP-only model has no full model: no reconstruction figures, and nothing to denoise with.
        string autoencoderPath = Path.Combine(modelsDir, ModelRole.Autoencoder.FileName());
        if (noise is not null && !File.Exists(autoencoderPath))
            throw new ArgumentException($"--noise: expected {ModelRole.Autoencoder.FileName()} in {modelsDir} to reconstruct the corrupted rows, found none");
        using Encoder encoder = Encoder.Load(Path.Combine(modelsDir, ModelRole.Encoder.FileName()));
        float[] testCodes = encoder.EncodeBatch(data.Test.Rows);
        float[] scaledTest = model.Scaled(data.Test);

        double? loss = null, mse = null;
        if (File.Exists(autoencoderPath))
        {
            float[] reconstructions = OrtRunner.Run(File.ReadAllBytes(autoencoderPath), data.Test.Rows, data.Test.Count);
            mse = ReconstructionErrors.MeanOverRows(scaledTest, reconstructions, data.Width, AnomalyScore.Mse);
            loss = config.LossKind == ReconstructionLoss.Bce ? ReconstructionErrors.MeanOverRows(scaledTest, reconstructions, data.Width, AnomalyScore.Bce) : mse;
        }

        double? knn = null, nearest = null, pcaKnn = null, precision = null, recall = null;
        if (data.Train.Labels is { } trainLabels && data.Test.Labels is { } testLabels)
        {
            float[] trainCodes = encoder.EncodeBatch(data.Train.Rows);
            var neighbors = new NearestNeighbors(trainCodes, trainLabels, encoder.EmbeddingSize);
            knn = neighbors.Accuracy(testCodes, testLabels, K);
            nearest = neighbors.Accuracy(testCodes, testLabels, 1);
            precision = neighbors.Precision(testCodes, testLabels, RetrievalK);
            recall = neighbors.PartitionedRecall(testCodes, RetrievalK);
            float[] scaledTrain = model.Scaled(data.Train);
            var pca = PrincipalComponents.Fit(scaledTrain, data.Train.Count, data.Width, 2);
            pcaKnn = new NearestNeighbors(pca.Project(scaledTrain, data.Train.Count), trainLabels, 2)
                .Accuracy(pca.Project(scaledTest, data.Test.Count), testLabels, K);
        }

        // Trustworthiness ranks each row's neighbours among all the others: a small test set has too few to rank,
        // and skips that one measure rather than the evaluation.
        int rows = Math.Min(TrustworthinessRows, data.Test.Count);
        double? trust = rows < Trustworthiness.MinimumRows(TrustworthinessNeighbors) ? null
            : Trustworthiness.Compute(scaledTest[..(rows * data.Width)], data.Width,
                testCodes[..(rows * encoder.EmbeddingSize)], encoder.EmbeddingSize, TrustworthinessNeighbors);

        VariationalEvaluation? variational = null;
        string decoderPath = Path.Combine(modelsDir, ModelRole.Decoder.FileName());
        if (config.Objective == TrainingObjective.Vae && File.Exists(decoderPath))
            variational = VariationalBound.Measure(File.ReadAllBytes(Path.Combine(modelsDir, ModelRole.Encoder.FileName())), File.ReadAllBytes(decoderPath),
                data.Test.Rows, scaledTest, data.Test.Count, config.LossKind);
        DenoisingEvaluation? denoising = null;
        if (noise is not null)
            denoising = Denoising.Measure(File.ReadAllBytes(autoencoderPath), scaledTest, data.Width, noise, config.LossKind == ReconstructionLoss.Bce, model.Raw);
        double nearZero = testCodes.Count(c => Math.Abs(c) <= NearZero) / (double)testCodes.Length;

        return new EvaluationReport(loss is null ? null : config.LossKind.ToString().ToLowerInvariant(), loss, mse, knn, nearest, pcaKnn, trust,
            encoder.EmbeddingSize, File.Exists(autoencoderPath) ? EvaluateAnomalies(autoencoderPath, data.Test) : null, precision, recall,
            nearZero, variational, denoising);
    }

    /// <summary>For a model calibrated on one class: AUROC, average precision, precision and recall at its threshold.</summary>
    private static AnomalyEvaluation? EvaluateAnomalies(string model, DataSplit test)
    {
        using var detector = AnomalyDetector.Load(model);
        if (AnomalyCalibration.NormalClassOf(detector.Metadata) is not { } normal || detector.Threshold is not { } threshold)
            return null;
        float[] scores = detector.ScoreBatch(test.Rows);
        bool[] anomalous = [.. test.RequireLabels("anomaly evaluation").Select(l => l != normal)];
        (double precision, double recall) = RankingMetrics.AtThreshold(scores, anomalous, threshold);
        return new AnomalyEvaluation(normal, RankingMetrics.Auroc(scores, anomalous), RankingMetrics.AveragePrecision(scores, anomalous),
            threshold, precision, recall);
    }
}
