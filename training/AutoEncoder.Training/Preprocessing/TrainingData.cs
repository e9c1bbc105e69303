using AutoEncoder.Inference;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Preprocessing;

/// <summary>
/// A data set made ready for one configuration: the rows it trains on and evaluates with, scaled into
/// the training space by a scaler fitted on the training rows only, and (for a one-class run) the raw
/// held-out normal rows the threshold is calibrated on.
/// </summary>
/// <param name="Scaler">The fitted scaling; the exported encoder and full model begin with it.</param>
/// <param name="Train">The training rows, scaled.</param>
/// <param name="Evaluation">The rows the per-epoch loss is measured on, scaled: the held-out normal rows of a
/// one-class run, the validation rows held out from training under early stopping, else the test split.</param>
/// <param name="Calibration">The held-out normal rows, raw (as a consumer would feed them), or null.</param>
internal sealed record TrainingData(FeatureScaler Scaler, DataSplit Train, DataSplit Evaluation, DataSplit? Calibration)
{
    /// <summary>
    /// <paramref name="config"/> with what depends on the data settled: the input width, the scaling
    /// (<c>auto</c>: none for images, whose rows are intensities in [0, 1]; standard for tables) and the loss
    /// (unset: BCE when every scaled training value lies in [0, 1], else MSE).
    /// </summary>
    /// <exception cref="ArgumentException">The configuration needs images (convolutions, the structural score) and the data are a table.</exception>
    public static TrainingConfig Resolve(TrainingConfig config, DataSet data)
    {
        if (config.Score == AnomalyScore.Structural && data.Image is null)
            throw new ArgumentException($"--score structural: expected image data (IDX, a 3-D .npy, an image folder), found rows of {data.Width} features without an image shape; use --score mse");
        string scaling = config.Scaling != "auto" ? config.Scaling : data.Image is null ? "standard" : "none";
        TrainingConfig resolved = config with { Model = config.Model with { InputSize = data.Width, Conv = ConvFor(config.Model.Conv, data) }, Scaling = scaling };
        if (resolved.Loss is null)
        {
            DataSplit train = Prepare(data, resolved with { Loss = ReconstructionLoss.Mse }).Train;
            resolved = resolved with { Loss = FeatureScaler.OutsideUnitInterval(train) is null ? ReconstructionLoss.Bce : ReconstructionLoss.Mse };
        }
        return resolved.Validate();
    }

    // Convolutions read rows as the data's images.
    static ConvOptions? ConvFor(ConvOptions? conv, DataSet data) => conv is null ? null
        : data.Image is { } image ? conv with { Image = [image.Channels, image.Height, image.Width] }
        : throw new ArgumentException($"--conv-channels: expected image data (IDX, a 3-D .npy, an image folder), found rows of {data.Width} features without an image shape");

    /// <summary>Selects, fits and scales the rows <paramref name="config"/> (already resolved) trains on.</summary>
    /// <exception cref="ArgumentException">The data do not fit the configuration: another width, BCE on values outside [0, 1], or batch normalisation with a last batch of one row.</exception>
    public static TrainingData Prepare(DataSet data, TrainingConfig config)
    {
        if (data.Width != config.Model.InputSize)
            throw new ArgumentException($"the model takes rows of {config.Model.InputSize} values, the data have {data.Width}");
        (DataSplit train, DataSplit? calibration) = TrainingRows.Select(data.Train, config);
        if (config.UmapSettings.FitTestRows) train = train.Concat(data.Test);
        DataSplit? validation = null;
        if (config.Patience is not null && calibration is null)
            (train, validation) = TrainingRows.HoldOut(train, config.DataOptions.ValidationFraction, config.Seed, "--early-stopping");
        // Batch statistics of a single row are undefined: libtorch would stop at the epoch's last batch.
        if (config.Model.BatchNorm && !config.IsUmap && train.Count % config.BatchSize == 1)
            throw new ArgumentException(
                $"--batch-norm: {train.Count} training rows in batches of {config.BatchSize} leave a last batch of 1 row, and batch normalisation needs at least 2; choose another --batch-size");
        var scaler = FeatureScaler.Fit(ScalingRule.Parse(config.Scaling), train);
        DataSplit scaled = scaler.Apply(train);
        if (config.LossKind == ReconstructionLoss.Bce && FeatureScaler.OutsideUnitInterval(scaled) is { } outside)
            throw new ArgumentException(
                $"--loss bce: expected scaled training values in [0, 1], found {outside.Value} at row {outside.Row}, column {outside.Column}; use --scaling minmax or --loss mse");
        return new TrainingData(scaler, scaled, scaler.Apply(validation ?? calibration ?? data.Test), calibration);
    }
}
