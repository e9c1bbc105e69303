using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Tests.Support;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Evaluation;
using Xunit;

namespace AutoEncoder.Training.Tests.Evaluation;

/// <summary>The models shipped in models/ are as good as the README says, measured on the real test set.</summary>
public sealed class CommittedModelsTests
{
    [Fact]
    public void The_deep_preset_separates_digits_and_reconstructs_better_than_pytorchs_same_architecture()
    {
        EvaluationReport report = Evaluator.Evaluate(Path.Combine(Repository.ModelsFolder, "deep"), Mnist.DataSet);

        // Targets: PyTorch's 784-512-256-2 (Adam 1e-3, batch 256, 20 epochs) reached 0.778 and 0.169.
        Assert.True(report.Knn5Accuracy >= 0.80, $"5-NN accuracy {report.Knn5Accuracy:F4}");
        Assert.True(report.TestBce <= 0.165, $"test BCE {report.TestBce:F4}");
    }

    [Fact]
    public void The_seed_preset_reaches_the_seed_tutorials_test_bce()
    {
        EvaluationReport report = Evaluator.Evaluate(Repository.ModelsFolder, Mnist.DataSet);

        // PyTorch reaches 0.23 with the same setup.
        Assert.True(report.TestBce <= 0.235, $"test BCE {report.TestBce:F4}");
    }
}
