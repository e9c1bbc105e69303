using System.Buffers;
using System.Numerics.Tensors;
using AutoEncoder.Inference.Internal;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference;

/// <summary>
/// Assigns rows to clusters with an exported cluster model (<c>cluster.onnx</c>, written by <c>autoencoder cluster</c>:
/// the encoder followed by the fitted clusters; <c>pixels</c> [batch, N] → <c>cluster</c>, <c>probabilities</c>
/// [batch, K]). The clusters' Gaussian log-densities run in managed code after the encoder wherever the
/// encoder's chain runs in the managed kernel (under Auto: single rows up to the kernel's row limit, with the
/// codes of batches from ONNX Runtime); ONNX Runtime runs the whole graph otherwise. One instance is safe to
/// call from many threads at once; disposing it while calls are running is safe (they finish; later calls throw
/// <see cref="ObjectDisposedException"/>).
/// </summary>
public sealed class ClusterModel : IDisposable
{
    /// <summary>The role a cluster model declares in its metadata.</summary>
    public const string Role = RoleNames.Cluster;

    // A row's probabilities live on the stack up to this many clusters.
    private const int StackClusters = 256;

    // Rows at the least in each share of a batch's head. The head costs about 0.7 µs a row (10,000 rows of
    // models/cluster, the head on one thread: AssignBatch 15.8 ms against EncodeBatch's 8.8 ms, ClusterBenchmarks,
    // 2026-12-06), so a share is at least 0.7 ms of work.
    private const int MinRowsPerHeadShare = 1024;

    private readonly OnnxModel model;      // the embedding (then the head) or the probabilities (ONNX Runtime's whole graph)
    private readonly GaussianHead? head;
    private readonly int headThreads;

    private ClusterModel(OnnxModel model, GaussianHead? head, int? threads)
    {
        this.model = model;
        this.head = head;
        headThreads = threads ?? Environment.ProcessorCount;
        ClusterCount = head?.Clusters ?? model.OutputSize;
    }

    /// <summary>Values per input row.</summary>
    public int InputSize => model.InputSize;

    /// <summary>Number of clusters, K: clusters are numbered 0 to K − 1.</summary>
    public int ClusterCount { get; }

    /// <summary>What the model says about itself: role, scaling, training configuration, cluster method.</summary>
    public ModelMetadata Metadata => model.Metadata;

    /// <summary>
    /// Which backend computes the codes of batches: <see cref="InferenceBackend.Managed"/> or <see cref="InferenceBackend.OnnxRuntime"/>.
    /// Under <see cref="InferenceBackend.Auto"/> single rows of an encoder past the batch limit still run in the managed kernel.
    /// </summary>
    public InferenceBackend Backend => model.Backend;

    /// <summary>Loads the cluster model stored at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>cluster.onnx</c> written by <c>autoencoder cluster</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(string path) => Load(path, null);

    /// <summary>Loads the cluster model stored at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>cluster.onnx</c> written by <c>autoencoder cluster</c>.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(string path, InferenceOptions? options) => Open(ModelBytes.FromFile(path), path, options);

    /// <summary>Loads a cluster model from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(Stream stream) => Load(stream, null);

    /// <summary>Loads a cluster model from <paramref name="stream"/>, read to its end; the caller keeps ownership of the stream.</summary>
    /// <param name="stream">The model's bytes.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="IOException">Reading the stream failed.</exception>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(Stream stream, InferenceOptions? options) => Open(ModelBytes.FromStream(stream), "stream", options);

    /// <summary>Loads a cluster model from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(ReadOnlyMemory<byte> model) => Load(model, null);

    /// <summary>Loads a cluster model from model bytes in memory (a <c>byte[]</c> converts implicitly).</summary>
    /// <param name="model">The model's bytes; they are copied, so the caller may reuse the memory.</param>
    /// <param name="options">How the model runs; null for the defaults.</param>
    /// <include file="LoadExceptions.xml" path="doc/load/*" />
    public static ClusterModel Load(ReadOnlyMemory<byte> model, InferenceOptions? options) => Open(model, "model bytes", options);

    private static ClusterModel Open(ReadOnlyMemory<byte> bytes, string source, InferenceOptions? options)
    {
        ModelBytes.EnsureSize(bytes.Length, source);
        if (options?.Backend != InferenceBackend.OnnxRuntime)
        {
            GaussianHead? head = GaussianHead.TryRead(ModelProtoReader.Read(bytes, source).Graph);
            if (head is null && options?.Backend == InferenceBackend.Managed)
                throw new NotSupportedException($"{source}: the managed backend cannot run this model: its nodes after '{TensorNames.Embedding}' are not the Gaussian cluster head autoencoder cluster writes");
            if (head is not null)
            {
                OnnxModel embedding = OnnxModel.Open(bytes, Role, source, options, TensorNames.Embedding);
                // Whenever the kernel runs the encoder's rows: one row through ONNX Runtime's whole graph cost 17.9 µs
                // against 4.3 µs for the kernel's encoder and this head (models/cluster, BENCHMARKS.md).
                if (embedding.RowBackend == InferenceBackend.Managed && embedding.OutputSize == head.Dimensions) return new ClusterModel(embedding, head, options?.IntraOpThreads);
                embedding.Dispose();
            }
        }
        return new ClusterModel(OnnxModel.Open(bytes, Role, source, options, TensorNames.Probabilities), null, options?.IntraOpThreads);
    }

    /// <summary>The most probable cluster of one row of <see cref="InputSize"/> values (as training read them), without allocating.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public int Assign(ReadOnlySpan<float> row)
    {
        float[]? rented = ClusterCount > StackClusters ? ArrayPool<float>.Shared.Rent(ClusterCount) : null;
        Span<float> probabilities = rented is null ? stackalloc float[ClusterCount] : rented.AsSpan(0, ClusterCount);
        try
        {
            Probabilities(row, probabilities);
            return TensorPrimitives.IndexOfMax(probabilities);
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Each cluster's probability for one row, in a new array of <see cref="ClusterCount"/> values summing to 1.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] Probabilities(ReadOnlySpan<float> row)
    {
        var probabilities = new float[ClusterCount];
        Probabilities(row, probabilities);
        return probabilities;
    }

    /// <summary>Writes each cluster's probability for one row into <paramref name="probabilities"/> (<see cref="ClusterCount"/> values) without allocating.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a NaN or infinite value (the destination is then left unspecified).</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void Probabilities(ReadOnlySpan<float> row, Span<float> probabilities)
    {
        InputGuard.Length(row.Length, InputSize, "a row", nameof(row));
        InputGuard.Length(probabilities.Length, ClusterCount, "probabilities", nameof(probabilities));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Cluster, 1);
        if (head is null) model.RunRow(row, probabilities, nameof(row));
        else
        {
            Span<float> code = stackalloc float[head.Dimensions];
            model.RunRow(row, code, nameof(row));
            head.Probabilities(code, probabilities);
        }
        measured.Succeeded();
    }

    /// <summary>The most probable cluster of each of many rows laid end to end (a multiple of <see cref="InputSize"/> values).</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public int[] AssignBatch(ReadOnlySpan<float> rows)
    {
        var clusters = new int[InputGuard.RowCount(rows.Length, InputSize, nameof(rows))];
        AssignBatch(rows, clusters);
        return clusters;
    }

    /// <summary>Writes the most probable cluster of each row into <paramref name="clusters"/>, one per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void AssignBatch(ReadOnlySpan<float> rows, Span<int> clusters)
    {
        int count = InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        InputGuard.BatchLength(clusters.Length, count, 1, "clusters", nameof(clusters));
        float[] probabilities = ArrayPool<float>.Shared.Rent(count * ClusterCount);
        try
        {
            ProbabilitiesBatch(rows, probabilities.AsSpan(0, count * ClusterCount));
            for (int r = 0; r < count; r++) clusters[r] = TensorPrimitives.IndexOfMax(probabilities.AsSpan(r * ClusterCount, ClusterCount));
        }
        finally
        {
            ArrayPool<float>.Shared.Return(probabilities);
        }
    }

    /// <summary>Each cluster's probability for many rows, <see cref="ClusterCount"/> values per row, in a new array.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public float[] ProbabilitiesBatch(ReadOnlySpan<float> rows)
    {
        var probabilities = new float[InputGuard.RowCount(rows.Length, InputSize, nameof(rows)) * ClusterCount];
        ProbabilitiesBatch(rows, probabilities);
        return probabilities;
    }

    /// <summary>Writes each cluster's probability for many rows into <paramref name="probabilities"/>, <see cref="ClusterCount"/> values per row.</summary>
    /// <exception cref="ArgumentException">Empty input, a partial row, a wrong destination length, or a NaN or infinite value.</exception>
    /// <exception cref="ObjectDisposedException">This instance was disposed.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime failed while running the model.</exception>
    public void ProbabilitiesBatch(ReadOnlySpan<float> rows, Span<float> probabilities)
    {
        int count = InputGuard.RowCount(rows.Length, InputSize, nameof(rows));
        InputGuard.BatchLength(probabilities.Length, count, ClusterCount, "probabilities", nameof(probabilities));
        using Telemetry.Measurement measured = Telemetry.Start(Telemetry.Cluster, count);
        if (head is null) model.RunRows(rows, probabilities, count, nameof(rows));
        else
        {
            int d = head.Dimensions;
            float[] codes = ArrayPool<float>.Shared.Rent(count * d);
            try
            {
                model.RunRows(rows, codes.AsSpan(0, count * d), count, nameof(rows));
                int parts = Math.Min(headThreads, count / MinRowsPerHeadShare);
                if (parts <= 1) RunHead(codes, probabilities, 0, count);
                else RunHeadInParallel(codes, probabilities, count, parts);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(codes);
            }
        }
        measured.Succeeded();
    }

    private void RunHead(float[] codes, Span<float> probabilities, int first, int count)
    {
        int d = head!.Dimensions;
        for (int r = first; r < first + count; r++)
            head.Probabilities(codes.AsSpan(r * d, d), probabilities.Slice(r * ClusterCount, ClusterCount));
    }

    // Apart, so that the closure is allocated only when the batch is split: one share of the rows per thread.
    private unsafe void RunHeadInParallel(float[] codes, Span<float> probabilities, int count, int parts)
    {
        fixed (float* destination = probabilities)
        {
            nint to = (nint)destination;
            int length = probabilities.Length;
            RowShares.Run(count, parts, (first, n) => RunHead(codes, new Span<float>((float*)to, length), first, n));
        }
    }

    /// <summary>Releases the ONNX Runtime session and its buffers, at once or, when calls are running, as the last one returns.</summary>
    public void Dispose() => model.Dispose();
}
