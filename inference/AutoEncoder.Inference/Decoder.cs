using AutoEncoder.Inference.Internal;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference;

/// <summary>
/// Turns codes back into rows (images or table rows) with an exported AutoEncoder decoder (<c>embedding</c> [batch, latent] →
/// <c>reconstruction</c> [batch, 784], pixel probabilities in [0, 1]). One instance holds one ONNX Runtime
/// session; every method is safe to call from many threads at once. Disposing it while calls are running is safe:
/// they finish, the native memory is released by the last one, and calls that start later throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class Decoder : IDisposable
{
    /// <summary>The role a decoder model declares in its metadata.</summary>
    public const string Role = RoleNames.Decoder;

    private static readonly string DefaultFile = RoleNames.FileName(Role);
    private readonly OnnxModel model;
    private readonly OutputScaling? scaling;

    private Decoder(OnnxModel model)
    {
        this.model = model;
        try
        {
            scaling = OutputScaling.FromMetadata(model.Metadata.Properties, model.OutputSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Values per code (2 for the seed model).</summary>
    public int EmbeddingSize => model.InputSize;

    /// <summary>Values per reconstructed row (784 for a 28×28 MNIST image).</summary>
    public int OutputSize => model.OutputSize;

    /// <summary>What the model says about itself: role, training configuration, parity.</summary>
    public ModelMetadata Metadata => model.Metadata;

    /// <summary>
    /// Which backend computes this model's batches: <see cref="InferenceBackend.Managed"/> or <see cref="InferenceBackend.OnnxRuntime"/>.
    /// Under <see cref="InferenceBackend.Auto"/> single rows of a dense model past the batch limit still run in the managed kernel.
    /// </summary>
    public InferenceBackend Backend => model.Backend;

    /// <summary>Loads the decoder stored at <paramref name="path"/>.</summary>
    /// <param name="path">An ONNX file written by the AutoEncoder exporter (or any model of the same contract).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(string path) => Load(path, null);

    /// <summary>Loads the decoder stored at <paramref name="path"/>.</summary>
    /// <param name="path">An ONNX file written by the AutoEncoder exporter (or any model of the same contract).</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(string path, InferenceOptions? options) => new(OnnxModel.Open(ModelBytes.FromFile(path), Role, path, options));

    /// <summary>Loads a decoder from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(Stream stream) => Load(stream, null);

    /// <summary>Loads a decoder from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(Stream stream, InferenceOptions? options) => new(OnnxModel.Open(ModelBytes.FromStream(stream), Role, "stream", options));

    /// <summary>Loads a decoder from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(ReadOnlyMemory<byte> model) => Load(model, null);

    /// <summary>Loads a decoder from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder Load(ReadOnlyMemory<byte> model, InferenceOptions? options) => new(OnnxModel.Open(model, Role, "model bytes", options));

    /// <summary>Loads the MNIST decoder embedded in this package (2 → 784, trained with the seed preset).</summary>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder LoadDefault() => LoadDefault(null);

    /// <summary>Loads the MNIST decoder embedded in this package (2 → 784, trained with the seed preset).</summary>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder LoadDefault(InferenceOptions? options) => LoadDefault(PretrainedModel.Seed, options);

    /// <summary>Loads the decoder of an MNIST model embedded in this package.</summary>
    /// <param name="model"><see cref="PretrainedModel.Seed"/> or <see cref="PretrainedModel.Deep"/> (the UMAP model has no decoder).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no decoder.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder LoadDefault(PretrainedModel model) => LoadDefault(model, null);

    /// <summary>Loads the decoder of an MNIST model embedded in this package.</summary>
    /// <param name="model"><see cref="PretrainedModel.Seed"/> or <see cref="PretrainedModel.Deep"/> (the UMAP model has no decoder).</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no decoder.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Decoder LoadDefault(PretrainedModel model, InferenceOptions? options)
    {
        string name = EmbeddedModels.NameOf(model, DefaultFile);
        return new(OnnxModel.Open(EmbeddedModels.Read(name), Role, name, options));
    }

    /// <summary>Decodes one code of <see cref="EmbeddingSize"/> values into a new array.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] Decode(ReadOnlySpan<float> embedding)
    {
        var reconstruction = new float[OutputSize];
        Decode(embedding, reconstruction);
        return reconstruction;
    }

    /// <summary>Decodes one code into <paramref name="reconstruction"/> (<see cref="OutputSize"/> values) without allocating.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void Decode(ReadOnlySpan<float> embedding, Span<float> reconstruction)
    {
        InputGuard.Length(embedding.Length, EmbeddingSize, "an embedding", nameof(embedding));
        InputGuard.Length(reconstruction.Length, OutputSize, "a reconstruction", nameof(reconstruction));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Decode, 1);
        model.RunRow(embedding, reconstruction, nameof(embedding));
        measured.Succeeded();
    }

    /// <summary>Decodes many codes laid end to end into a new array, <see cref="OutputSize"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] DecodeBatch(ReadOnlySpan<float> embeddings)
    {
        var reconstructions = new float[InputGuard.RowCount(embeddings.Length, EmbeddingSize, nameof(embeddings)) * OutputSize];
        DecodeBatch(embeddings, reconstructions);
        return reconstructions;
    }

    /// <summary>Decodes many codes into <paramref name="reconstructions"/>, <see cref="OutputSize"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void DecodeBatch(ReadOnlySpan<float> embeddings, Span<float> reconstructions)
    {
        int count = InputGuard.RowCount(embeddings.Length, EmbeddingSize, nameof(embeddings));
        InputGuard.BatchLength(reconstructions.Length, count, OutputSize, "reconstructions", nameof(reconstructions));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Decode, count);
        model.RunRows(embeddings, reconstructions, count, nameof(embeddings));
        measured.Succeeded();
    }

    /// <summary>
    /// Whether this decoder generates rows from its prior: its model declares one (metadata <c>prior</c>), as a
    /// variational autoencoder's does (N(0, I)). <see cref="Sample(int, int)"/> needs it.
    /// </summary>
    public bool IsGenerative => Metadata.Properties.TryGetValue(MetadataKeys.Prior, out string? prior) && prior == MetadataKeys.StandardNormalPrior;

    /// <summary>
    /// Generates <paramref name="count"/> new rows: codes drawn from the model's prior N(0, I), seeded by
    /// <paramref name="seed"/> (the same seed gives the same rows on every platform), decoded into a new array of
    /// <see cref="OutputSize"/> values per row.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1, or the rows would not fit one array.</exception>
    /// <exception cref="InvalidOperationException">The model declares no prior (<see cref="IsGenerative"/> is false: not a variational decoder); or ONNX Runtime failed.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    public float[] Sample(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if ((long)count * OutputSize > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"expected at most {Array.MaxLength / OutputSize:N0} rows of {OutputSize} values in one array");
        var rows = new float[count * OutputSize];
        Sample(rows, seed);
        return rows;
    }

    /// <summary>Generates rows as <see cref="Sample(int, int)"/> does, as many as <paramref name="rows"/> holds (<see cref="OutputSize"/> values each).</summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty or not a whole number of rows.</exception>
    /// <exception cref="InvalidOperationException">The model declares no prior (<see cref="IsGenerative"/> is false: not a variational decoder); or ONNX Runtime failed.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    public void Sample(Span<float> rows, int seed)
    {
        int count = InputGuard.RowCount(rows.Length, OutputSize, nameof(rows));
        if (!IsGenerative)
            throw new InvalidOperationException(
                $"expected a generative decoder (metadata {MetadataKeys.Prior} '{MetadataKeys.StandardNormalPrior}', a variational autoencoder's), found " +
                (Metadata.Properties.TryGetValue(MetadataKeys.Prior, out string? prior) ? $"prior '{prior}'" : "no prior: codes of a plain autoencoder follow no known distribution"));
        float[] codes = new float[(long)count * EmbeddingSize];
        StandardNormal.Fill(codes, seed);
        DecodeBatch(codes, rows);
    }

    /// <summary>
    /// Maps decoded rows (laid end to end, <see cref="OutputSize"/> values each) from the scaled space the
    /// model was trained in back to the data's own units, in place: value / scale + offset per feature, the
    /// inverse of the scaling recorded in the model (<c>input_scaling</c>). Rows of a model trained on its
    /// data as they are (images, <c>--scaling none</c>) are left unchanged.
    /// </summary>
    /// <exception cref="ArgumentException">Empty, or not a whole number of rows.</exception>
    public void ToRawValues(Span<float> rows)
    {
        InputGuard.RowCount(rows.Length, OutputSize, nameof(rows));
        scaling?.ToRaw(rows);
    }

    /// <summary>Releases the ONNX Runtime session and its buffers, at once or, when calls are running, as the last one returns.</summary>
    public void Dispose() => model.Dispose();
}
