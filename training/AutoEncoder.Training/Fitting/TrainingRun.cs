using System.Text.Json;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Preprocessing;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// One training run from data to exported models: a new run or one resumed from its checkpoint, the data
/// checked against the checkpoint's checksums, the output folder checked before the first epoch, Ctrl+C
/// and SIGTERM turned into a checkpoint, and the models exported when the epochs are done.
/// </summary>
internal static class TrainingRun
{
    /// <summary>What to train.</summary>
    /// <param name="DataPath">The data set's file or folder.</param>
    /// <param name="OutDir">Where the checkpoint and the models go.</param>
    /// <param name="Config">The configuration of a new run; null to resume from the checkpoint in <paramref name="OutDir"/>.</param>
    /// <param name="Epochs">A resumed run's new epoch count, or null to keep the checkpoint's.</param>
    /// <param name="Threads">A resumed run's thread count, or null to keep the checkpoint's.</param>
    /// <param name="Subset">The training rows asked for: a resumed run refuses a count other than its own.</param>
    /// <param name="Force">Whether a new run may replace a model of other settings or data in <paramref name="OutDir"/>.</param>
    /// <param name="CheckpointEvery">Also save the checkpoint after every this many epochs; null for only at the end or a stop.</param>
    public sealed record Request(string DataPath, string OutDir, TrainingConfig? Config, int? Epochs, int? Threads, int? Subset,
        bool Force = false, int? CheckpointEvery = null)
    {
        /// <summary>Whether the run continues from a checkpoint.</summary>
        public bool Resume => Config is null;
    }

    /// <summary>How the run ended.</summary>
    /// <param name="Config">The configuration trained, resolved for the data.</param>
    /// <param name="CheckpointPath">Where the checkpoint was saved.</param>
    /// <param name="State">The state at the end.</param>
    /// <param name="Manifest">The manifest of the exported models, or null when a stop signal ended the run early.</param>
    public sealed record Outcome(TrainingConfig Config, string CheckpointPath, CheckpointState State, Manifest? Manifest);

    /// <summary>
    /// Runs <paramref name="request"/>. <paramref name="showProgress"/> runs the epochs it is given with a
    /// progress display of the caller's choice and returns their result; <paramref name="log"/> takes the run's
    /// status lines.
    /// </summary>
    /// <exception cref="InvalidDataException">The data are not the data the checkpoint was trained on, or are malformed.</exception>
    /// <exception cref="ArgumentException">A resumed run is asked for other rows than it trained on, or the configuration does not fit the data.</exception>
    /// <exception cref="IOException">The data or the checkpoint cannot be read, or the output folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder is not writable.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static Outcome Execute(Request request, Func<Func<ITrainingProgress, bool>, bool> showProgress, TextWriter log)
    {
        string checkpointPath = Path.Combine(request.OutDir, Checkpoint.FileName);
        (Trainer trainer, DataSet data) = Start(request, checkpointPath, log);
        using var owned = trainer;
        if (!trainer.State.DataChecksums.Values.Order().SequenceEqual(data.Checksums.Values.Order()))
            throw new InvalidDataException(
                $"{request.DataPath}: expected the data the checkpoint was trained on, found files with other SHA-256 sums");
        TrainingConfig config = trainer.State.Config;
        AtomicFile.EnsureWritableFolder(request.OutDir);
        if (!request.Resume && !request.Force) RefuseToReplace(request.OutDir, trainer.State);
        if (request.Resume && request.Subset is { } askedSubset && askedSubset != config.Subset)
            throw new ArgumentException(
                $"--subset: expected {(config.Subset is { } n ? n.ToString() : "none")} as in {checkpointPath} (a resumed run trains on the same rows), found {askedSubset}");
        // A one-class model's loss curve is measured on its held-out normal rows, not on other classes.
        TrainingData prepared = TrainingData.Prepare(data, config);

        log.WriteLine($"{(request.Resume ? "resuming" : "training")} {config.Model} on {prepared.Train.Count:N0} {(config.UmapSettings.FitTestRows ? "training and test " : "")}rows " +
                      $"(scaling {config.Scaling}, objective {config.Objective.ToString().ToLowerInvariant()}, loss {config.LossKind.ToString().ToLowerInvariant()}): " +
                      $"{config.Epochs} epochs, batch {config.BatchSize}, lr {config.LearningRate}, seed {config.Seed}, {config.Threads} thread(s)");

        // Ctrl+C or SIGTERM: a checkpoint after the current batch, then --resume.
        using var stop = new StopSignals();
        Action? periodic = request.CheckpointEvery is { } every
            ? () =>
            {
                if (trainer.State.CompletedEpochs % every == 0) trainer.SaveCheckpoint(checkpointPath);
            }
            : null;
        bool completed = showProgress(progress => trainer.Run(prepared.Train, prepared.Evaluation, progress, stop.Token, periodic));

        stop.Deferred = true;
        trainer.SaveCheckpoint(checkpointPath);
        if (!completed)
        {
            CheckpointState s = trainer.State;
            log.WriteLine($"interrupted at epoch {s.CompletedEpochs + 1}, batch {s.CompletedBatches}: " +
                          $"checkpoint saved to {checkpointPath}; other files in {request.OutDir} unchanged; continue with --resume");
            return new Outcome(config, checkpointPath, s, null);
        }
        Manifest manifest = ArtifactWriter.Write(trainer.Model, trainer.State, data, request.DataPath, request.OutDir, checkpointPath, log);
        return new Outcome(config, checkpointPath, trainer.State, manifest);
    }

    /// <summary>
    /// Refuses a new run into a folder whose manifest records other settings or other data: its end would
    /// replace that model (a committed one, say) with no way back. The same settings on the same data retrain
    /// the same model, and pass.
    /// </summary>
    private static void RefuseToReplace(string outDir, CheckpointState fresh)
    {
        string manifestPath = Path.Combine(outDir, Manifest.FileName);
        if (!File.Exists(manifestPath)) return;
        Manifest existing = Manifest.Load(manifestPath);
        var differences = new List<string>();
        JsonElement before = JsonSerializer.SerializeToElement(existing.Config, Json.Compact), after = JsonSerializer.SerializeToElement(fresh.Config, Json.Compact);
        foreach (JsonProperty setting in after.EnumerateObject())
        {
            string was = before.TryGetProperty(setting.Name, out JsonElement value) ? value.GetRawText() : "none", now = setting.Value.GetRawText();
            if (was != now) differences.Add(was.Length + now.Length <= 60 ? $"{setting.Name} {was} (now {now})" : $"another {setting.Name}");
        }
        if (!existing.Data.Values.Order().SequenceEqual(fresh.DataChecksums.Values.Order())) differences.Add("other data");
        if (differences.Count == 0) return;
        throw new ArgumentException(
            $"{outDir}: holds a model trained with {string.Join(", ", differences)}; give --force to replace it, or another --out");
    }

    /// <summary>
    /// A new run's graph encoder recorded relative to its output folder (where a resumed run, or a retrain from
    /// its config, finds it again on any machine) with its SHA-256, which the graph's construction checks.
    /// </summary>
    /// <exception cref="ArgumentException">The rows are scaled: the graph encoder reads the rows this run trains on, which must be its raw rows.</exception>
    /// <exception cref="FileNotFoundException">No encoder at the path given.</exception>
    private static TrainingConfig WithGraphEncoder(TrainingConfig config, string outDir)
    {
        if (config.UmapSettings.GraphEncoder is not { } given) return config;
        if (config.Scaling != "none")
            throw new ArgumentException($"--graph-encoder: expected rows trained as they are read (images, or --scaling none), found --scaling {config.Scaling}");
        string file = Path.GetFullPath(UmapOptions.EncoderFile(given));
        if (!File.Exists(file)) throw new FileNotFoundException($"--graph-encoder: expected an exported encoder at {file}, found none", file);
        string relative = Path.GetRelativePath(Path.GetFullPath(outDir), file).Replace(Path.DirectorySeparatorChar, '/');
        return config with { Umap = config.UmapSettings with { GraphEncoder = relative, GraphEncoderSha256 = FileHash.Sha256(file) } };
    }

    /// <summary>The trainer (new, or from the checkpoint) and the data read as its configuration says.</summary>
    private static (Trainer, DataSet) Start(Request request, string checkpointPath, TextWriter log)
    {
        if (request.Config is { } asked)
        {
            DataSet data = DataSource.Load(request.DataPath, asked.DataOptions, asked.Seed);
            // On stderr even when the log is silenced (train --quiet): a warning is not progress.
            foreach (string warning in SuspectColumns.Warnings(data)) Console.Error.WriteLine(warning);
            TrainingConfig resolved = WithGraphEncoder(TrainingData.Resolve(asked, data), request.OutDir);
            return (new Trainer(resolved, data.Checksums, log.WriteLine, request.OutDir), data);
        }
        var trainer = new Trainer(checkpointPath, request.Epochs, request.Threads, log.WriteLine, request.OutDir);
        try
        {
            return (trainer, DataSource.Load(request.DataPath, trainer.State.Config.DataOptions, trainer.State.Config.Seed));
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
    }
}
