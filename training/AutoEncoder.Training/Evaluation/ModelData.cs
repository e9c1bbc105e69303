using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Preprocessing;

namespace AutoEncoder.Training.Evaluation;

/// <summary>The data set a folder of exported models was trained on, read as its manifest says, and the scaling fitted to it.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Config">The training configuration from the manifest.</param>
/// <param name="Scaler">The scaling the models begin with, refitted on the same training rows.</param>
internal sealed record ModelData(DataSet Data, TrainingConfig Config, FeatureScaler Scaler)
{
    /// <summary>Loads <paramref name="dataPath"/> with the options recorded in <paramref name="modelsDir"/>'s manifest.</summary>
    /// <exception cref="FileNotFoundException">The manifest or the data are missing.</exception>
    /// <exception cref="InvalidDataException">The data are malformed or are not the data the models were trained on.</exception>
    public static ModelData Load(string modelsDir, string dataPath)
    {
        string manifestPath = Path.Combine(modelsDir, Manifest.FileName);
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"{modelsDir}: expected {Manifest.FileName} beside the models (it records how their data are read)", manifestPath);
        Manifest manifest = Manifest.Load(manifestPath);
        TrainingConfig config = manifest.Config;
        DataSet data = DataSource.Load(dataPath, config.DataOptions, config.Seed);
        if (!manifest.Data.Values.Order().SequenceEqual(data.Checksums.Values.Order()))
            throw new InvalidDataException($"{dataPath}: expected the data {manifestPath} records, found files with other SHA-256 sums");
        var scaler = FeatureScaler.Fit(ScalingRule.Parse(config.Scaling == "auto" ? "none" : config.Scaling), TrainingRows.Select(data.Train, config).Train);
        return new ModelData(data, config, scaler);
    }
}
