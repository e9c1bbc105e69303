using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Onnx;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Measures the exported models, as shipped: codes come from encoder.onnx through AutoEncoder.Inference,
/// reconstructions from autoencoder.onnx in ONNX Runtime. Nothing here runs TorchSharp's model.
/// </summary>
internal static class Evaluator
{
    /// <summary>Neighbours that vote in the k-NN accuracy.</summary>
    public const int K = 5;

    /// <summary>Evaluates the models in <paramref name="modelsDir"/> on <paramref name="data"/>.</summary>
    public static EvaluationReport Evaluate(string modelsDir, MnistDataSet data)
    {
        float[] trainPixels = data.Train.ScaledPixels(), testPixels = data.Test.ScaledPixels();

        using Encoder encoder = Encoder.Load(Path.Combine(modelsDir, ModelRole.Encoder.FileName()));
        float[] trainCodes = encoder.EncodeBatch(trainPixels), testCodes = encoder.EncodeBatch(testPixels);
        double knn = new NearestNeighbors(trainCodes, data.Train.Labels, encoder.EmbeddingSize)
            .Accuracy(testCodes, data.Test.Labels, K);

        byte[] autoencoder = File.ReadAllBytes(Path.Combine(modelsDir, ModelRole.Autoencoder.FileName()));
        float[] reconstructions = OrtRunner.Run(autoencoder, testPixels, data.Test.Count);

        var pca = PrincipalComponents.Fit(trainPixels, data.Train.Count, MnistSplit.PixelCount, 2);
        double pcaKnn = new NearestNeighbors(pca.Project(trainPixels, data.Train.Count), data.Train.Labels, 2)
            .Accuracy(pca.Project(testPixels, data.Test.Count), data.Test.Labels, K);

        return new EvaluationReport(
            ReconstructionError.MeanBce(testPixels, reconstructions),
            ReconstructionError.MeanSquaredError(testPixels, reconstructions),
            knn, pcaKnn, encoder.EmbeddingSize,
            EvaluateAnomalies(Path.Combine(modelsDir, ModelRole.Autoencoder.FileName()), testPixels, data.Test.Labels));
    }

    /// <summary>For a model calibrated on one class: AUROC, average precision, precision and recall at its threshold.</summary>
    private static AnomalyEvaluation? EvaluateAnomalies(string model, float[] testPixels, byte[] labels)
    {
        using var detector = AnomalyDetector.Load(model);
        if (AnomalyCalibration.NormalClassOf(detector.Metadata) is not { } normal || detector.Threshold is not { } threshold)
            return null;
        float[] scores = detector.ScoreBatch(testPixels);
        bool[] anomalous = [.. labels.Select(l => l != normal)];
        (double precision, double recall) = RankingMetrics.AtThreshold(scores, anomalous, threshold);
        return new AnomalyEvaluation(normal, RankingMetrics.Auroc(scores, anomalous), RankingMetrics.AveragePrecision(scores, anomalous),
            threshold, precision, recall);
    }
}
