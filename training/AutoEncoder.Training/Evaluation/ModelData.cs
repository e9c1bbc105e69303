using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export;

namespace AutoEncoder.Training.Evaluation;

/// <summary>The data set a folder of exported models was trained on, read as its manifest says, and the scaling the encoder begins with.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Config">The training configuration from the manifest.</param>
/// <param name="Scaling">The scaling read from the encoder's graph (as the inference library reads it), or null when it has none.</param>
internal sealed record ModelData(DataSet Data, TrainingConfig Config, InputScaling? Scaling)
{
    /// <summary>Loads <paramref name="dataPath"/> with the options recorded in <paramref name="modelsDir"/>'s manifest.</summary>
    /// <exception cref="FileNotFoundException">The manifest, the encoder or the data are missing.</exception>
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
        string encoder = Path.Combine(modelsDir, ModelRole.Encoder.FileName());
        if (!File.Exists(encoder))
            throw new FileNotFoundException($"{modelsDir}: expected {ModelRole.Encoder.FileName()} beside {Manifest.FileName}", encoder);
        return new ModelData(data, config, InputScaling.Read(ModelProto.Parser.ParseFrom(File.ReadAllBytes(encoder)), data.Width));
    }

    /// <summary>Rows of the training space back in the data's own units (the encoder's scaling undone): what the graphs read.</summary>
    public float[] Raw(float[] scaled)
    {
        if (Scaling is not { } scaling) return scaled;
        int width = scaling.Offset.Length;
        var raw = new float[scaled.Length];
        for (int i = 0; i < scaled.Length; i++) raw[i] = scaled[i] / scaling.Scale[i % width] + scaling.Offset[i % width];
        return raw;
    }

    /// <summary>The rows of <paramref name="split"/> in the training space: scaled as the encoder's first nodes scale them.</summary>
    public float[] Scaled(DataSplit split)
    {
        if (Scaling is not { } scaling) return split.Rows;
        var scaled = new float[split.Rows.Length];
        for (int r = 0; r < split.Count; r++)
            scaling.Apply(split.Rows.AsSpan(r * split.Width, split.Width), scaled.AsSpan(r * split.Width, split.Width));
        return scaled;
    }
}
