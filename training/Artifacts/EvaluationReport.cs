namespace AutoEncoder.Training.Artifacts;

/// <summary>How good an exported model is, measured on the MNIST test set.</summary>
/// <param name="TestBce">Mean per-pixel BCE of autoencoder.onnx's reconstructions.</param>
/// <param name="TestMse">Mean per-pixel squared error of those reconstructions.</param>
/// <param name="Knn5Accuracy">Share of test codes whose 5 nearest train codes vote for the right digit.</param>
/// <param name="Pca2Knn5Accuracy">The same for 2-D PCA projections of the pixels (the baseline).</param>
/// <param name="LatentSize">Width of the codes.</param>
internal sealed record EvaluationReport(double TestBce, double TestMse, double Knn5Accuracy, double Pca2Knn5Accuracy, int LatentSize);
