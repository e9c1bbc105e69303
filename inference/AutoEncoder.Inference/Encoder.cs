using AutoEncoder.Inference.Internal;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference;

/// <summary>
/// Maps rows (images or table rows) to their codes with an exported AutoEncoder encoder (<c>pixels</c> [batch, 784] →
/// <c>embedding</c> [batch, latent]; a variational encoder's codes are its posterior's means, and its second output,
/// <c>log_variance</c>, is not computed). One instance holds one ONNX Runtime session; share it: every
/// method is safe to call from many threads at once. Disposing it while calls are running is safe: they finish,
/// the native memory is released by the last one, and calls that start later throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class Encoder : IDisposable
{
    /// <summary>The role an encoder model declares in its metadata.</summary>
    public const string Role = RoleNames.Encoder;

    private static readonly string DefaultFile = RoleNames.FileName(Role);
    private readonly OnnxModel model;

    private Encoder(OnnxModel model) => this.model = model;

    /// <summary>Values per input row (784 for a 28×28 MNIST image).</summary>
    public int InputSize => model.InputSize;

    /// <summary>Values per code (2 for the seed model).</summary>
    public int EmbeddingSize => model.OutputSize;

    /// <summary>What the model says about itself: role, scaling, training configuration, parity.</summary>
    public ModelMetadata Metadata => model.Metadata;

    /// <summary>
    /// Which backend computes this model's batches: <see cref="InferenceBackend.Managed"/> or <see cref="InferenceBackend.OnnxRuntime"/>.
    /// Under <see cref="InferenceBackend.Auto"/> single rows of a dense model past the batch limit still run in the managed kernel.
    /// </summary>
    public InferenceBackend Backend => model.Backend;

    /// <summary>Loads the encoder stored at <paramref name="path"/>.</summary>
    /// <param name="path">An ONNX file written by the AutoEncoder exporter (or any model of the same contract).</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(string path) => Load(path, null);

    /// <summary>Loads the encoder stored at <paramref name="path"/>.</summary>
    /// <param name="path">An ONNX file written by the AutoEncoder exporter (or any model of the same contract).</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(string path, InferenceOptions? options) => new(OnnxModel.Open(ModelBytes.FromFile(path), Role, path, options, TensorNames.Embedding));

    /// <summary>Loads an encoder from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(Stream stream) => Load(stream, null);

    /// <summary>Loads an encoder from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(Stream stream, InferenceOptions? options) => new(OnnxModel.Open(ModelBytes.FromStream(stream), Role, "stream", options, TensorNames.Embedding));

    /// <summary>Loads an encoder from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(ReadOnlyMemory<byte> model) => Load(model, null);

    /// <summary>Loads an encoder from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder Load(ReadOnlyMemory<byte> model, InferenceOptions? options) => new(OnnxModel.Open(model, Role, "model bytes", options, TensorNames.Embedding));

    /// <summary>Loads the MNIST encoder embedded in this package (784 → 2, trained with the seed preset).</summary>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder LoadDefault() => LoadDefault(null);

    /// <summary>Loads the MNIST encoder embedded in this package (784 → 2, trained with the seed preset).</summary>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder LoadDefault(InferenceOptions? options) => LoadDefault(PretrainedModel.Seed, options);

    /// <summary>Loads the encoder of an MNIST model embedded in this package.</summary>
    /// <param name="model">Which model: <see cref="PretrainedModel.Umap"/> for similarity and maps, <see cref="PretrainedModel.Deep"/> to decode its codes.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder LoadDefault(PretrainedModel model) => LoadDefault(model, null);

    /// <summary>Loads the encoder of an MNIST model embedded in this package.</summary>
    /// <param name="model">Which model: <see cref="PretrainedModel.Umap"/> for similarity and maps, <see cref="PretrainedModel.Deep"/> to decode its codes.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static Encoder LoadDefault(PretrainedModel model, InferenceOptions? options)
    {
        string name = EmbeddedModels.NameOf(model, DefaultFile);
        return new(OnnxModel.Open(EmbeddedModels.Read(name), Role, name, options, TensorNames.Embedding));
    }

    /// <summary>Encodes one row of <see cref="InputSize"/> values (as training read them: intensities in [0, 1] for images) into a new array.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] Encode(ReadOnlySpan<float> row)
    {
        var embedding = new float[EmbeddingSize];
        Encode(row, embedding);
        return embedding;
    }

    /// <summary>Encodes one row into <paramref name="embedding"/> (<see cref="EmbeddingSize"/> values) without allocating.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void Encode(ReadOnlySpan<float> row, Span<float> embedding)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        InputGuard.Length(embedding.Length, EmbeddingSize, "an embedding", nameof(embedding));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Encode, 1);
        model.RunRow(row, embedding, nameof(row));
        measured.Succeeded();
    }

    /// <summary>Encodes one row of raw bytes (an image's pixels, 0–255), scaled as the model's metadata declares.</summary>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] Encode(ReadOnlySpan<byte> row)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        Span<float> scaled = InputSize <= 4096 ? stackalloc float[InputSize] : new float[InputSize];
        PixelScaling.Scale(row, Metadata.InputDivisor, scaled);
        return Encode(scaled);
    }

    /// <summary>Encodes many rows laid end to end (a multiple of <see cref="InputSize"/> values) into a new array.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] EncodeBatch(ReadOnlySpan<float> rows)
    {
        var embeddings = new float[InputGuard.RowCount(rows.Length, InputSize, nameof(rows)) * EmbeddingSize];
        EncodeBatch(rows, embeddings);
        return embeddings;
    }

    /// <summary>Encodes many rows into <paramref name="embeddings"/>, <see cref="EmbeddingSize"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void EncodeBatch(ReadOnlySpan<float> rows, Span<float> embeddings)
    {
        int count = InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        InputGuard.BatchLength(embeddings.Length, count, EmbeddingSize, "embeddings", nameof(embeddings));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Encode, count);
        model.RunRows(rows, embeddings, count, nameof(rows));
        measured.Succeeded();
    }

    /// <summary>Encodes many rows of raw bytes (images' pixels, 0–255), scaled as the model's metadata declares.</summary>
    /// <exception cref="ArgumentException">Empty input or a partial row.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] EncodeBatch(ReadOnlySpan<byte> rows)
    {
        InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        var scaled = new float[rows.Length];
        PixelScaling.Scale(rows, Metadata.InputDivisor, scaled);
        return EncodeBatch(scaled);
    }

    /// <summary>Releases the ONNX Runtime session and its buffers, at once or, when calls are running, as the last one returns.</summary>
    public void Dispose() => model.Dispose();
}
