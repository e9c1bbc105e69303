namespace AutoEncoder.Training.Evaluation;

/// <summary>How good an exported model is, measured on the test split of its data set.</summary>
/// <param name="Loss">The reconstruction loss the model was trained with (bce or mse); null without a full model (UMAP objective).</param>
/// <param name="TestLoss">Mean per-feature loss (as trained) of autoencoder.onnx's reconstructions, in the scaled training space; null without a full model.</param>
/// <param name="TestMse">Mean per-feature squared error of those reconstructions, in the same space; null without a full model.</param>
/// <param name="Knn5Accuracy">Share of test codes whose 5 nearest train codes vote for the right class; null for unlabelled data.</param>
/// <param name="Knn1Accuracy">The same with the single nearest train code; null for unlabelled data.</param>
/// <param name="Pca2Knn5Accuracy">The 5-NN accuracy of 2-D PCA projections of the scaled rows (the baseline); null for unlabelled data.</param>
/// <param name="Trustworthiness">Trustworthiness (k = 10) of the codes of the first 5,000 test rows against the scaled rows; null for fewer than 32 test rows.</param>
/// <param name="LatentSize">Width of the codes.</param>
/// <param name="Anomaly">For a model trained on one class: how its scores separate the other classes.</param>
/// <param name="Precision10">Retrieval: the mean share of each test code's 10 nearest train codes that share its label; null for unlabelled data.</param>
/// <param name="Recall10">Approximate retrieval: the share of those 10 nearest that the index partitioned with its suggested sizes finds; null for unlabelled data.</param>
/// <param name="NearZeroCodes">The share of the test codes' values within <see cref="Evaluator.NearZero"/> of 0 (how sparse the codes are).</param>
/// <param name="Variational">A variational model's negative ELBO and importance-weighted NLL on the test rows; null for other models.</param>
/// <param name="Denoising">With <c>evaluate --noise</c>: PSNR of the reconstructions of corrupted test rows against the clean rows.</param>
internal sealed record EvaluationReport(string? Loss, double? TestLoss, double? TestMse, double? Knn5Accuracy, double? Knn1Accuracy,
    double? Pca2Knn5Accuracy, double? Trustworthiness, int LatentSize, AnomalyEvaluation? Anomaly = null, double? Precision10 = null, double? Recall10 = null,
    double? NearZeroCodes = null, VariationalEvaluation? Variational = null, DenoisingEvaluation? Denoising = null);

/// <summary>How well a one-class model's anomaly scores flag the test rows of other classes.</summary>
/// <param name="NormalClass">The label the model was trained on.</param>
/// <param name="Auroc">Area under the ROC curve of the scores for "not the normal class".</param>
/// <param name="AveragePrecision">Average precision of the same.</param>
/// <param name="Threshold">The calibrated threshold stored in the model.</param>
/// <param name="Precision">Share of rows above the threshold that are of another class.</param>
/// <param name="Recall">Share of other-class rows above the threshold.</param>
internal sealed record AnomalyEvaluation(int NormalClass, double Auroc, double AveragePrecision, double Threshold, double Precision, double Recall);
