using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Preprocessing;
using AutoEncoder.Training.Tests.Cli;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Preprocessing;

/// <summary>
/// <c>--fit-test-rows</c>: a UMAP run trains on its training rows followed by the test rows (the deep-clustering
/// papers' protocol); any other run is refused, since its held-out loss is measured on those rows.
/// </summary>
public sealed class FitTestRowsTests
{
    private static readonly TrainingConfig Umap = TrainingConfig.UmapPreset with { Subset = 1000, Scaling = "none", Loss = ReconstructionLoss.Bce };

    private static TrainingConfig FittingTestRows(TrainingConfig config) => config with { Umap = config.UmapSettings with { FitTestRows = true } };

    [Fact]
    public void A_umap_run_trains_on_its_training_rows_then_every_test_row()
    {
        DataSet data = Mnist.WithTestRows(300);

        DataSplit train = TrainingData.Prepare(data, FittingTestRows(Umap)).Train;

        Assert.Equal([.. data.Train.Take(1000).Rows, .. data.Test.Rows], train.Rows);
        Assert.Equal([.. data.Train.Labels![..1000], .. data.Test.Labels!], train.Labels!);
    }

    [Fact]
    public void Without_it_a_umap_run_trains_on_the_training_rows_only()
    {
        DataSplit train = TrainingData.Prepare(Mnist.WithTestRows(300), Umap).Train;

        Assert.Equal(1000, train.Count);
    }

    [Theory]
    [InlineData("reconstruction", "expected a UMAP objective (--objective umap or umapreconstruction), whose loss reads no test row; found reconstruction")]
    [InlineData("normal-class", "expected no --normal-class: a one-class run trains on one label's rows, which reading the test rows would mix; found --normal-class 3")]
    public void Another_run_is_refused_naming_why(string run, string message)
    {
        TrainingConfig config = run == "reconstruction" ? TrainingConfig.DeepPreset : Umap with { NormalClass = 3 };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FittingTestRows(config).Validate());

        Assert.Equal("fit-test-rows", error.ParamName);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_flag_on_a_reconstruction_run_fails_in_one_line_before_training()
    {
        using var output = new TempFolder();

        (int code, _, string error) = ConsoleCapture.Run("train", "--preset", "deep", "--fit-test-rows", "--subset", "500", "--epochs", "1",
            "--data", Repository.MnistFolder, "--out", output.Path);

        Assert.Equal(1, code);
        Assert.Equal("error: expected a UMAP objective (--objective umap or umapreconstruction), whose loss reads no test row; found reconstruction, " +
                     "whose held-out loss is measured on them (Parameter 'fit-test-rows'); Actual value was True.", error.Trim());
        Assert.Empty(output.Files());
    }
}
