using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Preprocessing;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Preprocessing;

/// <summary>A one-class configuration trains on its label's rows and holds a seeded tenth of them out.</summary>
public sealed class TrainingRowsTests
{
    private static TrainingConfig Config(int? normal, long seed = 0) => TrainingConfig.AnomalyPreset with { NormalClass = normal, Seed = seed };

    [Fact]
    public void Without_a_normal_class_every_row_trains_and_none_is_held_out()
    {
        (DataSplit train, DataSplit? calibration) = TrainingRows.Select(Mnist.DataSet.Train, Config(null) with { Subset = 1000 });

        Assert.Equal(1000, train.Count);
        Assert.Null(calibration);
    }

    [Fact]
    public void A_normal_class_trains_on_nine_tenths_of_its_rows_and_holds_the_rest_out()
    {
        int all = Mnist.DataSet.Train.Labels!.Count(l => l == 3);

        (DataSplit train, DataSplit? calibration) = TrainingRows.Select(Mnist.DataSet.Train, Config(3));

        Assert.All(train.Labels!, l => Assert.Equal(3, l));
        Assert.All(calibration!.Labels!, l => Assert.Equal(3, l));
        Assert.Equal(all, train.Count + calibration.Count);
        Assert.Equal((int)Math.Round(all * TrainingRows.CalibrationFraction), calibration.Count);
    }

    [Fact]
    public void The_held_out_rows_depend_on_the_seed_only()
    {
        DataSplit first = TrainingRows.Select(Mnist.DataSet.Train, Config(3)).Calibration!;
        DataSplit again = TrainingRows.Select(Mnist.DataSet.Train, Config(3)).Calibration!;
        DataSplit other = TrainingRows.Select(Mnist.DataSet.Train, Config(3, seed: 1)).Calibration!;

        Assert.Equal(first.Rows, again.Rows);
        Assert.NotEqual(first.Rows, other.Rows);
    }

    [Fact]
    public void A_normal_class_with_too_few_rows_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => TrainingRows.Select(Mnist.DataSet.Train, Config(3) with { Subset = 300 }));

        Assert.StartsWith("--normal-class: expected at least 100 training rows labelled 3, found ", error.Message);
    }
}
