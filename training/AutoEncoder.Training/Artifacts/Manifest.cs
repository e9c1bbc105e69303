using System.Text.Json.Serialization;
using System.Text.Json;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.IO;

namespace AutoEncoder.Training.Artifacts;

/// <summary>
/// <c>manifest.json</c>: what was trained, how, how well, and the SHA-256 of every artifact, so that a
/// consumer can check what it loads.
/// </summary>
/// <remarks>
/// One name per fact: epochs and batch size are in <see cref="Config"/>, the final losses in the last
/// <see cref="History"/> record. Manifests written before that also held <c>epochs</c>, <c>batch_size</c>,
/// <c>final_train_loss</c> and <c>test_loss</c> at the top level; reading ignores them.
/// </remarks>
/// <param name="Config">The training configuration.</param>
/// <param name="TrainSeconds">Wall-clock seconds of training.</param>
/// <param name="History">One record per epoch.</param>
/// <param name="Data">Source file name → SHA-256 of the data trained on.</param>
/// <param name="Artifacts">File name → SHA-256 of every file written beside the manifest.</param>
/// <param name="Parity">Largest difference between TorchSharp and ONNX Runtime per exported graph.</param>
/// <param name="DataPath">Where the data were, relative to the manifest's folder with / between names, so that
/// <c>evaluate</c>, <c>plot</c>, <c>index</c> and <c>search</c> find them without <c>--data</c>; <see cref="Data"/>'s
/// hashes prove it is still the same data. Manifests written before it have none.</param>
/// <param name="BestEpoch">Early stopping: the epoch whose weights were exported; null when the last epoch's were.</param>
internal sealed record Manifest(
    TrainingConfig Config,
    double TrainSeconds,
    IReadOnlyList<EpochRecord> History,
    IReadOnlyDictionary<string, string> Data,
    IReadOnlyDictionary<string, string> Artifacts,
    IReadOnlyDictionary<string, double>? Parity = null,
    string? DataPath = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? BestEpoch = null)
{
    /// <summary>The kept epoch's mean training loss: the last epoch's, or the best one's under early stopping.</summary>
    [JsonIgnore]
    public double FinalTrainLoss => Kept.TrainLoss;

    /// <summary>The kept epoch's test (held-out normal, or validation) loss.</summary>
    [JsonIgnore]
    public double TestLoss => Kept.TestLoss;

    private EpochRecord Kept => History[(BestEpoch ?? History.Count) - 1];

    /// <summary>The manifest's file name inside an output folder.</summary>
    public const string FileName = "manifest.json";

    /// <summary>Summarises a completed training run.</summary>
    public static Manifest From(CheckpointState state, IReadOnlyDictionary<string, string> artifacts) => new(
        state.Config,
        Math.Round(state.TrainSeconds, 3),
        state.History,
        state.DataChecksums,
        artifacts,
        BestEpoch: state.BestEpoch > 0 ? state.BestEpoch : null);

    /// <summary>Writes the manifest atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, Json.Options));

    /// <summary>How the models in <paramref name="modelsDir"/> read their data, as their manifest records; the defaults when there is none.</summary>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static DataOptions DataOptionsOf(string modelsDir)
    {
        string path = Path.Combine(modelsDir, FileName);
        return File.Exists(path) ? Load(path).Config.DataOptions : new DataOptions();
    }

    /// <summary>The data the manifest in <paramref name="modelsDir"/> records, as a path from the current folder; null without one.</summary>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static string? DataPathOf(string modelsDir)
    {
        string path = Path.Combine(modelsDir, FileName);
        return File.Exists(path) && Load(path).DataPath is { } recorded
            ? Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(recorded, Path.GetFullPath(modelsDir)))
            : null;
    }

    /// <summary>Reads a manifest.</summary>
    /// <exception cref="InvalidDataException">The file is not a manifest.</exception>
    public static Manifest Load(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<Manifest>(stream, Json.Options)
                ?? throw new InvalidDataException($"{path}: empty manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid manifest ({e.Message})", e);
        }
    }
}
