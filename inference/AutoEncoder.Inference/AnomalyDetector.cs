using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using AutoEncoder.Inference.Internal;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference;

/// <summary>
/// Scores rows by how badly an exported AutoEncoder full model (<c>pixels</c> [batch, N] →
/// <c>reconstruction</c> [batch, N]) reconstructs them, and flags those above a threshold calibrated on
/// held-out normal rows at training time (metadata <c>anomaly_threshold</c>) or set by the caller. One
/// instance holds one model; every method is safe to call from many threads at once. Disposing it while
/// calls are running is safe: they finish, the native memory is released by the last one, and calls that
/// start later throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class AnomalyDetector : IDisposable
{
    /// <summary>The role a full model declares in its metadata.</summary>
    public const string Role = RoleNames.Autoencoder;

    private static readonly string DefaultFile = RoleNames.FileName(Role);
    // Rows per thread at the least when a batch is split: about the managed kernel's own rule (2 × 65,536
    // multiply-adds per share), for a model that also computes an exponential per output value.
    private const int MinRowsPerThread = 64;
    // Rows reconstructed and scored at a time where the managed kernel reconstructs them: its block of four rows
    // (four rows of 784 and their reconstructions are 25 KB, within a core's first-level cache). 10,000 rows of the
    // seed model, this way against chunks of 32 rows (100 KB, the second-level cache), best of 30 calls, runs
    // alternated three times (a throw-away Stopwatch harness, 2026-12-06): MSE on one thread 4,131–5,374 against
    // 5,267–5,985 µs, on two 2,234–2,796 against 2,471–3,115 µs; structural on one thread 7,230–7,886 against
    // 7,954–9,235 µs, on two the same within the noise.
    private const int ChunkRows = 4;
    // Rows at a time when ONNX Runtime reconstructs them: each run costs a call and runs faster on more rows. 10,000
    // rows of models/deep's full model (past the kernel's batch limit), best of 10 calls, two rounds (a throw-away
    // Stopwatch harness, 2026-12-06): 89–95 ms in runs of 4 rows, 63–64 ms of 16, 60 ms of 64 and of 256;
    // 2,000 rows of models/conv's, 54–56 ms in runs of 4, 46–47 ms of 64.
    private const int SessionChunkRows = 64;
    private readonly int chunkRows;
    private readonly OnnxModel model;
    private readonly int threads;
    private readonly StructuralError? structural;
    private readonly float? threshold;

    private AnomalyDetector(OnnxModel model, InferenceOptions? options)
    {
        int? threads = options?.IntraOpThreads;
        this.model = model;
        this.threads = threads ?? Environment.ProcessorCount;
        chunkRows = model.Backend == InferenceBackend.Managed ? ChunkRows : SessionChunkRows;
        try
        {
            if (model.InputSize != model.OutputSize)
                throw new InvalidDataException(
                    $"expected a full model whose reconstruction has as many values as its input ({model.InputSize}), found {model.OutputSize}");
            ScoreKind = model.Metadata.Properties.GetValueOrDefault(MetadataKeys.AnomalyScore, ScoreNames.Mse) switch
            {
                ScoreNames.Mse => AnomalyScore.Mse,
                ScoreNames.Bce => AnomalyScore.Bce,
                ScoreNames.Structural => AnomalyScore.Structural,
                string other => throw new InvalidDataException($"expected metadata anomaly_score 'mse', 'bce' or 'structural', found '{other}'"),
            };
            if (ScoreKind == AnomalyScore.Structural) structural = StructuralError.FromMetadata(model.Metadata.Properties, model.InputSize);
            if (model.Metadata.Properties.TryGetValue(MetadataKeys.AnomalyThreshold, out string? text))
            {
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value < 0)
                    throw new InvalidDataException($"expected metadata anomaly_threshold to be a finite number ≥ 0, found '{text}'");
                threshold = value;
            }
            if (options?.AnomalyThreshold is { } chosen) threshold = chosen;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Values per row (784 for 28×28 MNIST).</summary>
    public int InputSize => model.InputSize;

    /// <summary>How scores are computed, as the model's metadata says (<see cref="AnomalyScore.Mse"/> when it says nothing).</summary>
    public AnomalyScore ScoreKind { get; }

    /// <summary>
    /// Scores above this are anomalies: <see cref="InferenceOptions.AnomalyThreshold"/> when the detector
    /// was loaded with one, else the threshold calibrated at training time for a model trained on one
    /// class, else null. Fixed at load.
    /// </summary>
    public float? Threshold => threshold;

    /// <summary>
    /// Which backend computes the reconstructions of batches. Under <see cref="InferenceBackend.Auto"/> single rows
    /// of a dense model past the batch limit still run in the managed kernel.
    /// </summary>
    public InferenceBackend Backend => model.Backend;

    /// <summary>What the model says about itself, the calibration included (keys starting <c>anomaly_</c>).</summary>
    public ModelMetadata Metadata => model.Metadata;

    /// <summary>Loads the full model stored at <paramref name="path"/>.</summary>
    /// <param name="path">An <c>autoencoder.onnx</c> written by the AutoEncoder exporter.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(string path) => Load(path, null);

    /// <summary>Loads the full model stored at <paramref name="path"/>.</summary>
    /// <param name="path">An <c>autoencoder.onnx</c> written by the AutoEncoder exporter.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(string path, InferenceOptions? options) => Open(ModelBytes.FromFile(path), path, options);

    /// <summary>Loads a full model from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(Stream stream) => Load(stream, null);

    /// <summary>Loads a full model from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(Stream stream, InferenceOptions? options) => Open(ModelBytes.FromStream(stream), "stream", options);

    /// <summary>Loads a full model from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(ReadOnlyMemory<byte> model) => Load(model, null);

    /// <summary>Loads a full model from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector Load(ReadOnlyMemory<byte> model, InferenceOptions? options) => Open(model, "model bytes", options);

    /// <summary>Loads the MNIST full model embedded in this package (784 → 2 → 784, seed preset, trained on all digits: no threshold).</summary>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector LoadDefault() => LoadDefault(null);

    /// <summary>Loads the MNIST full model embedded in this package (784 → 2 → 784, seed preset, trained on all digits: no threshold).</summary>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector LoadDefault(InferenceOptions? options) => LoadDefault(PretrainedModel.Seed, options);

    /// <summary>Loads the full model of an MNIST model embedded in this package (trained on all digits: no threshold).</summary>
    /// <param name="model"><see cref="PretrainedModel.Seed"/> or <see cref="PretrainedModel.Deep"/> (the UMAP model has no full model).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no full model.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector LoadDefault(PretrainedModel model) => LoadDefault(model, null);

    /// <summary>Loads the full model of an MNIST model embedded in this package (trained on all digits: no threshold).</summary>
    /// <param name="model"><see cref="PretrainedModel.Seed"/> or <see cref="PretrainedModel.Deep"/> (the UMAP model has no full model).</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no full model.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static AnomalyDetector LoadDefault(PretrainedModel model, InferenceOptions? options)
    {
        string name = EmbeddedModels.NameOf(model, DefaultFile);
        return Open(EmbeddedModels.Read(name), name, options);
    }

    /// <summary>The anomaly score of one row of <see cref="InputSize"/> values, scaled as in training.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float Score(ReadOnlySpan<float> row) => Score(row, []);

    /// <summary>The anomaly score of one row of raw pixel bytes (0–255), scaled as the model's metadata declares.</summary>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float Score(ReadOnlySpan<byte> row)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        Span<float> scaled = InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize];
        PixelScaling.Scale(row, Metadata.InputDivisor, scaled);
        return Score(scaled);
    }

    /// <summary>Whether one row scores above <see cref="Threshold"/>.</summary>
    /// <exception cref="InvalidOperationException">No threshold: the model was not calibrated and none was set; or ONNX Runtime failed.</exception>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    public bool IsAnomaly(ReadOnlySpan<float> row)
    {
        float limit = threshold ?? throw new InvalidOperationException(
            "no anomaly threshold: the model was not trained with --normal-class (no anomaly_threshold in its metadata) and none was set");
        return Score(row) > limit;
    }

    /// <summary>
    /// Writes each feature's share of the score into <paramref name="perFeature"/> ((x − x̂)² or the BCE
    /// term; empty to skip) and returns the score, their mean: which features make a row anomalous.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths (<paramref name="perFeature"/> holds <see cref="InputSize"/> values or none), or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float Score(ReadOnlySpan<float> row, Span<float> perFeature)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        if (!perFeature.IsEmpty) InputGuard.Length(perFeature.Length, InputSize, "per-feature errors", nameof(perFeature));
        // On the stack up to 4,096 values (16 KB), as Encoder scales byte rows: nothing allocated for images.
        Span<float> reconstruction = InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize];
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Score, 1);
        model.RunRow(row, reconstruction, nameof(row));
        float score = ScoreOf(row, reconstruction, perFeature);
        InputGuard.OutputFinite([score], 1, nameof(row));
        measured.Succeeded(threshold is float limit && score > limit ? 1 : 0);
        return score;
    }

    /// <summary>Scores many rows laid end to end into a new array, one score per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] ScoreBatch(ReadOnlySpan<float> rows)
    {
        var scores = new float[InputGuard.RowCount(rows.Length, InputSize, nameof(rows))];
        ScoreBatch(rows, scores);
        return scores;
    }

    /// <summary>Scores many rows of raw bytes (0–255) laid end to end, scaled as the model's metadata declares, into a new array.</summary>
    /// <exception cref="ArgumentException">Empty input or a partial row.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] ScoreBatch(ReadOnlySpan<byte> rows)
    {
        InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        var scaled = new float[rows.Length];
        PixelScaling.Scale(rows, Metadata.InputDivisor, scaled);
        return ScoreBatch(scaled);
    }

    /// <summary>Scores many rows into <paramref name="scores"/>, one per row, without allocating (buffers come from a pool).</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void ScoreBatch(ReadOnlySpan<float> rows, Span<float> scores)
    {
        int count = InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        InputGuard.BatchLength(scores.Length, count, 1, "scores", nameof(scores));
        // With IntraOpThreads = N on ONNX Runtime the N shares' runs share the session's N-thread pool. One share at
        // a time was slower: 10,000 rows of the seed model with N = 2 took 8.2–9.2 ms this way against 8.8–10.9 ms
        // in one share (chunks of 256 to 10,000 rows; best of 20 calls, four rounds, a throw-away Stopwatch harness,
        // 2026-12-06), and 6.0–6.5 ms with IntraOpThreads left null.
        int parts = Math.Min(threads, count / MinRowsPerThread);
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Score, count);
        // One hold for all the chunks: the batch is scored whole or refused whole when the detector is disposed.
        using (model.Hold())
        {
            if (parts <= 1) ScoreRows(rows, scores, 0, count);
            else ScoreInParallel(rows, scores, count, parts);
        }
        InputGuard.OutputFinite(scores, 1, nameof(rows));
        measured.Succeeded(threshold is float limit && Telemetry.CountsAnomalies ? AboveThreshold(scores, limit) : 0);
    }

    /// <summary>
    /// The model's reconstruction of one row, in the scaled space it was trained in (pixel probabilities for
    /// images): what a denoising autoencoder returns as the cleaned row.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] Reconstruct(ReadOnlySpan<float> row)
    {
        var reconstruction = new float[InputSize];
        Reconstruct(row, reconstruction);
        return reconstruction;
    }

    /// <summary>Reconstructs one row into <paramref name="reconstruction"/> (<see cref="InputSize"/> values) without allocating.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void Reconstruct(ReadOnlySpan<float> row, Span<float> reconstruction)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        InputGuard.Length(reconstruction.Length, InputSize, "a reconstruction", nameof(reconstruction));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Reconstruct, 1);
        model.RunRow(row, reconstruction, nameof(row));
        measured.Succeeded();
    }

    /// <summary>Reconstructs many rows laid end to end into a new array, <see cref="InputSize"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] ReconstructBatch(ReadOnlySpan<float> rows)
    {
        var reconstructions = new float[InputGuard.RowCount(rows.Length, InputSize, nameof(rows)) * InputSize];
        ReconstructBatch(rows, reconstructions);
        return reconstructions;
    }

    /// <summary>Reconstructs many rows into <paramref name="reconstructions"/>, <see cref="InputSize"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void ReconstructBatch(ReadOnlySpan<float> rows, Span<float> reconstructions)
    {
        int count = InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        InputGuard.BatchLength(reconstructions.Length, count, InputSize, "reconstructions", nameof(reconstructions));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Reconstruct, count);
        model.RunRows(rows, reconstructions, count, nameof(rows));
        measured.Succeeded();
    }

    /// <summary>Releases the ONNX Runtime session and its buffers, at once or, when calls are running, as the last one returns.</summary>
    public void Dispose() => model.Dispose();

    private static int AboveThreshold(ReadOnlySpan<float> scores, float limit)
    {
        int above = 0;
        foreach (float score in scores) if (score > limit) above++;
        return above;
    }

    private static AnomalyDetector Open(ReadOnlyMemory<byte> bytes, string source, InferenceOptions? options)
    {
        OnnxModel model = OnnxModel.Open(bytes, Role, source, options);
        try
        {
            return new AnomalyDetector(model, options);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    // Reconstructs a chunk of rows at a time into a buffer that stays in cache and scores them from there: a
    // whole batch reconstructed first and scored after made every reconstruction a round trip through memory.
    // The reconstructions are not checked for NaN and infinity where the score carries them into the row's score,
    // which ScoreBatch checks: the squared error and the structural score do (x − NaN and x − ∞ are NaN and infinite, and
    // so are their squares and sums); BCE clips the reconstruction first, which would turn an infinity into a
    // finite score, so its reconstructions are checked. 10,000 rows of the seed model took 6–11% less this way:
    // structural 2,604 against 2,767 µs and 2,355 against 2,573, MSE 2,387 against 2,546 and 2,067 against 2,326
    // (medians of 60 rounds of 40 calls, with and without the check alternated in one process, 2026-12-07).
    private void ScoreRows(ReadOnlySpan<float> rows, Span<float> scores, int first, int count)
    {
        bool checkReconstructions = ScoreKind == AnomalyScore.Bce;
        float[] reconstructions = ArrayPool<float>.Shared.Rent(chunkRows * InputSize);
        try
        {
            for (int start = first; start < first + count; start += chunkRows)
            {
                int n = Math.Min(chunkRows, first + count - start);
                Span<float> chunk = reconstructions.AsSpan(0, n * InputSize);
                model.RunRowsHeld(rows.Slice(start * InputSize, n * InputSize), chunk, n, nameof(rows), split: false, firstRow: start, checkReconstructions);
                int next = start + n;
                for (int r = 0; r < n; r++)
                {
                    if (next + r < first + count) Prefetch(rows.Slice((next + r) * InputSize, InputSize));
                    scores[start + r] = ScoreOf(rows.Slice((start + r) * InputSize, InputSize), chunk.Slice(r * InputSize, InputSize), []);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(reconstructions);
        }
    }

    // Asks the memory system for a row of the next chunk while this chunk's rows are scored, so that its loads
    // overlap arithmetic instead of following it: 10,000 rows of the seed model scored in 2,268 µs against
    // 2,476 µs without it (MSE), 3,766 against 4,234 µs (structural) (BenchmarkDotNet, both builds in one hour,
    // 2026-12-06, BENCHMARKS.md; then with chunks of 32 rows).
    private static unsafe void Prefetch(ReadOnlySpan<float> row)
    {
        if (!Sse.IsSupported) return;
        const int FloatsPerCacheLine = 16;
        fixed (float* start = row)
            for (int at = 0; at < row.Length; at += FloatsPerCacheLine) Sse.Prefetch0(start + at);
    }

    // Apart, so that the closure is allocated only when the batch is split: one share of the rows per thread.
    private unsafe void ScoreInParallel(ReadOnlySpan<float> rows, Span<float> scores, int count, int parts)
    {
        fixed (float* input = rows)
        fixed (float* output = scores)
        {
            nint from = (nint)input, to = (nint)output;
            int width = InputSize;
            RowShares.Run(count, parts, (first, n) =>
                ScoreRows(new ReadOnlySpan<float>((float*)from, count * width), new Span<float>((float*)to, count), first, n));
        }
    }

    // The reconstruction is in the scaled training space: a graph that scales its input is compared with
    // the row scaled the same way.
    private float ScoreOf(ReadOnlySpan<float> row, ReadOnlySpan<float> reconstruction, Span<float> perFeature)
    {
        if (model.Scaling is { } scaling)
        {
            Span<float> scaled = InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize];
            scaling.Apply(row, scaled);
            return ScoreScaled(scaled, reconstruction, perFeature);
        }
        return ScoreScaled(row, reconstruction, perFeature);
    }

    // No zeroing of the scratch space: the structural score clears what it reads before writing.
    [SkipLocalsInit]
    private float ScoreScaled(ReadOnlySpan<float> row, ReadOnlySpan<float> reconstruction, Span<float> perFeature)
    {
        if (structural is null)
            return ScoreKind == AnomalyScore.Mse ? ReconstructionErrors.MeanSquaredError(row, reconstruction, perFeature) : ReconstructionErrors.MeanBce(row, reconstruction, perFeature);
        // None for 28×28 on AVX-512 (blurred in registers), else 1,684 floats (6.6 KB): on the stack up to 4,096, as elsewhere here.
        int length = structural.ScratchLength;
        Span<float> scratch = length <= 4096 ? stackalloc float[length] : new float[length];
        return structural.Score(row, reconstruction, perFeature, scratch);
    }
}
