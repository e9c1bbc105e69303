using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Preprocessing;

namespace AutoEncoder.Training.Artifacts;

/// <summary>Writes a completed run's ONNX models and manifest.json, after they pass the parity check.</summary>
internal static class ArtifactWriter
{
    /// <summary>
    /// Exports <paramref name="model"/> (parity-checked on the raw test rows; a one-class model also
    /// calibrated on its held-out normal training rows) into <paramref name="outDir"/> and writes the
    /// manifest, which records <paramref name="checkpointPath"/>'s hash and where <paramref name="dataPath"/> lies from
    /// <paramref name="outDir"/>. Nothing is written if the export fails. <paramref name="log"/> hears what it does.
    /// </summary>
    public static Manifest Write(AutoEncoderModel model, CheckpointState state, DataSet data, string dataPath, string outDir, string checkpointPath, TextWriter log)
    {
        if (!state.IsComplete)
            throw new InvalidDataException(
                $"{checkpointPath}: expected a finished run, found {state.CompletedEpochs} of {state.Config.Epochs} epochs done (continue with train --resume)");
        TrainingData prepared = TrainingData.Prepare(data, state.Config);

        log.WriteLine($"exporting ONNX models and checking them against TorchSharp on {data.Test.Count:N0} test rows ...");
        var source = new ModelExport.Source(model, state.Config, prepared.Scaler, data.Image, state.DataChecksums, state.Kept.TestLoss);
        ModelExport.Result export = ModelExport.Build(source, data.Test.Rows, data.Test.Count, prepared.Calibration?.Rows);

        var artifacts = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Path.GetFileName(checkpointPath)] = FileHash.Sha256(checkpointPath),
        };
        foreach ((ModelRole role, byte[] bytes) in export.Files)
        {
            AtomicFile.WriteAllBytes(Path.Combine(outDir, role.FileName()), bytes);
            artifacts[role.FileName()] = FileHash.Sha256(bytes);
        }
        Manifest manifest = Manifest.From(state, artifacts) with
        {
            Parity = export.Parity.ToDictionary(pair => pair.Key.Name(), pair => pair.Value),
            DataPath = Path.GetRelativePath(Path.GetFullPath(outDir), Path.GetFullPath(dataPath)).Replace(Path.DirectorySeparatorChar, '/'),
        };
        manifest.Save(Path.Combine(outDir, Manifest.FileName));
        log.WriteLine($"parity (max |ONNX Runtime − TorchSharp|): " +
                      string.Join(", ", export.Parity.Select(pair => $"{pair.Key.Name()} {pair.Value:G3}")));
        return manifest;
    }
}
