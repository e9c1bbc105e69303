using System.Security.Cryptography;
using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// One validated ONNX model mapping float rows [batch, InputSize] to [batch, OutputSize]. ONNX Runtime
/// loads and checks every model; the rows then run where <see cref="InferenceOptions"/> say: in
/// <see cref="DenseStack"/> or in ONNX Runtime. Safe for concurrent use: in ONNX Runtime, single rows
/// go through a pool of pre-bound runners (no allocation per call) and batches run over the caller's
/// own memory (no copy), a large one as one share per core at once when the session has one intra-op thread,
/// each share in runs of at most 256 rows.
/// </summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly Stack<RowRunner> idle = new();
    private readonly List<RowRunner> all = [];
    private readonly DenseStack? kernel;
    private readonly bool kernelRunsBatches;
    private readonly int sessionParts;
    private readonly CallGate gate = new();

    // Rows per run at the least when ONNX Runtime's batch is split. Already at 128 rows (two runs of 64) the split
    // pays: models/umap's encoder 88–89 µs against 143–145 µs in one run, models/deep's 341–357 against 663–704 µs
    // (best of 200 calls, three rounds, 2026-12-06; 127 rows, one run either way, 142–143 and 671–689 µs).
    private const int MinRowsPerSessionRun = 64;

    // Rows per run at the most: ONNX Runtime holds every intermediate tensor of a run at once, so memory grew with
    // the batch. models/conv's encoder on the 60,000 MNIST training rows (two threads, a run per thread) peaked at
    // 5.2 GB and took 757 ms; in runs of 256 rows, 572 MB and 483 ms; models/deep's on
    // 10,000 rows 39 → 30 ms; the seed encoder (forced onto ONNX Runtime) 1.27 ms either way (medians, 2026-12-07).
    private const int MaxRowsPerRun = 256;

    private OnnxModel(InferenceSession session, string output, int inputSize, int outputSize, ModelMetadata metadata,
        (DenseStack? Kernel, bool RunsBatches) choice, InputScaling? scaling, int? intraOpThreads)
    {
        this.session = session;
        // A session of one intra-op thread (the default) runs a large batch as one share per core at once, as the
        // managed kernel splits it; one the caller gave several threads splits each run itself.
        sessionParts = intraOpThreads is null ? Environment.ProcessorCount : 1;
        (kernel, kernelRunsBatches) = choice;
        Scaling = scaling;
        inputNames = [session.InputMetadata.Keys.Single()];
        outputNames = [output];
        InputSize = inputSize;
        OutputSize = outputSize;
        Metadata = metadata;
    }

    /// <summary>Values per input row.</summary>
    public int InputSize { get; }

    /// <summary>Values per output row.</summary>
    public int OutputSize { get; }

    /// <summary>The model's metadata.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The per-feature scaling the graph begins with, or null when it takes its inputs as they are.</summary>
    public InputScaling? Scaling { get; }

    /// <summary>Which backend computes batches (never <see cref="InferenceBackend.Auto"/>).</summary>
    public InferenceBackend Backend => kernel is not null && kernelRunsBatches ? InferenceBackend.Managed : InferenceBackend.OnnxRuntime;

    /// <summary>Which backend computes single rows (never <see cref="InferenceBackend.Auto"/>).</summary>
    public InferenceBackend RowBackend => kernel is null ? InferenceBackend.OnnxRuntime : InferenceBackend.Managed;

    /// <summary>
    /// Validates <paramref name="bytes"/> as a model of <paramref name="role"/> and opens it as <paramref name="options"/> say,
    /// computing its one output, or the float output named <paramref name="output"/> of a model with several (a
    /// model of one output computes that one, whatever its name).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The bytes are not a usable model of that role.</exception>
    /// <exception cref="NotSupportedException">The managed backend was requested for a model it cannot run.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime refused the session options the caller configured.</exception>
    public static OnnxModel Open(ReadOnlyMemory<byte> bytes, string role, string source, InferenceOptions? options, string? output = null)
    {
        options ??= new InferenceOptions();
        if (!Enum.IsDefined(options.Backend))
            throw new ArgumentOutOfRangeException(nameof(options), options.Backend, "expected Backend Auto, OnnxRuntime or Managed");
        if (options.AnomalyThreshold is { } threshold && !(float.IsFinite(threshold) && threshold >= 0))
            throw new ArgumentOutOfRangeException(nameof(options), threshold, $"expected AnomalyThreshold null or a finite score ≥ 0, found {threshold}");
        if (options.IntraOpThreads is < 1 or > InferenceOptions.MaxIntraOpThreads)
            throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads,
                $"expected IntraOpThreads null or from 1 to {InferenceOptions.MaxIntraOpThreads}, found {options.IntraOpThreads}");

        ModelBytes.EnsureSize(bytes.Length, source);
        ModelProto proto = ModelProtoReader.Read(bytes, source);
        // A session for one of several outputs runs only the nodes that output needs; the metadata's hash is the file's.
        ModelProto? pruned = output is null ? null : GraphPruning.ForOutput(proto, output);
        InferenceSession session = CreateSession(pruned is null ? bytes : pruned.ToByteArray(), options, source);
        try
        {
            // Read from the schema classes, not ONNX Runtime's ModelMetadata, which throws a
            // NullReferenceException on some damaged models (found by the load fuzz test).
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (StringStringEntryProto entry in proto.MetadataProps) properties[entry.Key] = entry.Value;
            var metadata = new ModelMetadata(properties, proto.ProducerName, proto.DocString, Convert.ToHexString(SHA256.HashData(bytes.Span)).ToLowerInvariant());
            if (metadata.Role != role)
                throw new InvalidDataException(
                    $"{source}: expected a model with role '{role}', found '{(metadata.Role.Length == 0 ? "none" : metadata.Role)}'");
            (int input, string outputName, int outputSize) = CheckSignature(session, source, session.OutputMetadata.Count == 1 ? null : output);
            var initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
            foreach (TensorProto tensor in proto.Graph.Initializer) initializers[tensor.Name] = tensor;
            InputScaling? scaling = InputScaling.Read(proto.Graph, session.InputMetadata.Keys.Single(), input, initializers);
            return new OnnxModel(session, outputName, input, outputSize, metadata, ChooseKernel(proto.Graph, options, source, outputName), scaling,
                options.IntraOpThreads);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    // The managed kernel, if any, and whether it runs batches too or single rows only (Auto's choice for a
    // chain past the batch limit: one row is faster in the kernel, a batch in ONNX Runtime's blocked products).
    private static (DenseStack? Kernel, bool RunsBatches) ChooseKernel(GraphProto graph, InferenceOptions options, string source, string output)
    {
        switch (options.Backend)
        {
            case InferenceBackend.OnnxRuntime:
                return (null, false);
            case InferenceBackend.Managed:
                return (DenseStackCompiler.TryCompile(graph, maxMultiplyAdds: null, options.IntraOpThreads, out string reason, output)
                    ?? throw new NotSupportedException($"{source}: the managed backend cannot run this model: {reason}"), true);
            default:
                // A caller who configured ONNX Runtime's session wants it to run the model.
                DenseStack? kernel = options.ConfigureSession is null
                    ? DenseStackCompiler.TryCompile(graph, DenseStack.MaxRowMultiplyAdds, options.IntraOpThreads, out _, output) : null;
                return (kernel, kernel?.MultiplyAddsPerRow <= DenseStack.MaxMultiplyAdds);
        }
    }

    // Whether the kernel computes a run of this many rows.
    private bool RunsInKernel(int rows) => kernel is not null && (rows == 1 || kernelRunsBatches);

    private static InferenceSession CreateSession(ReadOnlyMemory<byte> bytes, InferenceOptions options, string source)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads ?? 1,
            InterOpNumThreads = 1,
            // ONNX Runtime writes warnings and errors to stderr; the failures that matter reach the caller
            // as exceptions, so its own log stays off the host's console unless the caller lowers this.
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        try
        {
            options.ConfigureSession?.Invoke(sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"{source}: ONNX Runtime refused the configured session options ({FirstLine(e.Message)})", e);
        }
        try
        {
            return new InferenceSession(bytes.ToArray(), sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source}: not a valid ONNX model ({FirstLine(e.Message)})", e);
        }
    }

    /// <summary>Runs one row without allocating (in ONNX Runtime, through a pooled runner).</summary>
    /// <exception cref="ArgumentException">The row holds a NaN or infinite value, or values so large that the output is not finite; <paramref name="paramName"/> names it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed before the call began.</exception>
    public void RunRow(ReadOnlySpan<float> input, Span<float> output, string paramName)
    {
        if (kernel is not null)
        {
            // Managed memory only: nothing to free under a running call, so no count to keep.
            gate.ThrowIfClosed(this);
            if (!kernel.TryRunRow(input, output)) InputGuard.ThrowNotFinite(input, paramName);
            InputGuard.OutputFinite(output, OutputSize, paramName);
            return;
        }
        using Lease lease = Hold();
        RunRowOnSession(input, output, paramName);
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows, reading and writing the caller's memory directly; the managed kernel
    /// splits a large batch across threads unless <paramref name="split"/> is false (the caller has split it).
    /// </summary>
    /// <exception cref="ArgumentException">A row holds a NaN or infinite value, or values so large that its output is not finite; <paramref name="paramName"/> names it.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed before the call began.</exception>
    public void RunRows(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, bool split = true)
    {
        if (RunsInKernel(rows))
        {
            // Managed memory only, as in RunRow.
            gate.ThrowIfClosed(this);
            RunRowsInKernel(input, output, rows, paramName, split, firstRow: 0, checkOutputs: true);
            return;
        }
        using Lease lease = Hold();
        RunRowsOnSession(input, output, rows, paramName, firstRow: 0, split, checkOutputs: true);
    }

    /// <summary>
    /// Keeps the model open until the lease is disposed: <see cref="Dispose"/> meanwhile refuses new calls but
    /// frees nothing, and <see cref="RunRowsHeld"/> runs. For one call made of several runs (a batch scored a
    /// chunk at a time), so that it finishes or is refused as a whole.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public Lease Hold()
    {
        gate.Enter(this);
        return new Lease(this);
    }

    /// <summary>
    /// As <see cref="RunRows"/>, for a caller that holds a <see cref="Lease"/>; errors number the rows from
    /// <paramref name="firstRow"/>, where these rows sit in the caller's batch. With <paramref name="checkOutputs"/>
    /// false the outputs are not checked for NaN and infinity: the caller checks what it computes from them.
    /// </summary>
    /// <exception cref="ArgumentException">A row holds a NaN or infinite value, or values so large that its output is not finite (when checked); <paramref name="paramName"/> names it.</exception>
    public void RunRowsHeld(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, bool split = true, int firstRow = 0, bool checkOutputs = true)
    {
        if (RunsInKernel(rows)) RunRowsInKernel(input, output, rows, paramName, split, firstRow, checkOutputs);
        else RunRowsOnSession(input, output, rows, paramName, firstRow, split, checkOutputs);
    }

    private void RunRowsInKernel(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, bool split, int firstRow, bool checkOutputs)
    {
        if (!kernel!.TryRun(input, output, rows, split)) InputGuard.ThrowNotFinite(input, paramName, firstRow * InputSize);
        if (checkOutputs) InputGuard.OutputFinite(output, OutputSize, paramName, firstRow);
    }

    // The caller holds a lease.
    private void RunRowsOnSession(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, int firstRow, bool split, bool checkOutputs)
    {
        int parts = split ? Math.Min(sessionParts, rows / MinRowsPerSessionRun) : 1;
        if (parts <= 1) RunBatchOnSession(input, output, rows, paramName, firstRow, checkOutputs);
        else RunSessionInParallel(input, output, rows, paramName, firstRow, parts, checkOutputs);
    }

    // Apart, so that the closure is allocated only when the batch is split: one share of the rows per thread.
    private unsafe void RunSessionInParallel(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, int firstRow, int parts, bool checkOutputs)
    {
        fixed (float* source = input)
        fixed (float* destination = output)
        {
            nint from = (nint)source, to = (nint)destination;
            RowShares.Run(rows, parts, (first, count) =>
                RunBatchOnSession(new ReadOnlySpan<float>((float*)from + (long)first * InputSize, count * InputSize),
                    new Span<float>((float*)to + (long)first * OutputSize, count * OutputSize), count, paramName, firstRow + first, checkOutputs));
        }
    }

    // Runs of ONNX Runtime over the caller's memory, MaxRowsPerRun rows at the most each.
    private void RunBatchOnSession(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, int firstRow, bool checkOutputs)
    {
        for (int first = 0; first < rows; first += MaxRowsPerRun)
        {
            int count = Math.Min(MaxRowsPerRun, rows - first);
            RunOnceOnSession(input.Slice(first * InputSize, count * InputSize), output.Slice(first * OutputSize, count * OutputSize),
                count, paramName, firstRow + first, checkOutputs);
        }
    }

    // One run of ONNX Runtime over the caller's memory.
    private unsafe void RunOnceOnSession(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName, int firstRow, bool checkOutputs)
    {
        if (rows == 1)
        {
            // A pooled, pre-bound runner: no tensors to create, nothing allocated.
            RunRowOnSession(input, output, paramName, firstRow);
            return;
        }
        try
        {
            if (!InputGuard.AllFinite(input)) InputGuard.ThrowNotFinite(input, paramName, firstRow * InputSize);
            fixed (float* source = input)
            fixed (float* destination = output)
            {
                using OrtValue inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                    TensorElementType.Float, [rows, InputSize], (IntPtr)source, (long)input.Length * sizeof(float));
                using OrtValue outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                    TensorElementType.Float, [rows, OutputSize], (IntPtr)destination, (long)output.Length * sizeof(float));
                session.Run(runOptions, inputNames, [inputValue], outputNames, [outputValue]);
            }
            if (checkOutputs) InputGuard.OutputFinite(output, OutputSize, paramName, firstRow);
        }
        catch (OnnxRuntimeException e)
        {
            throw RunFailed(e);
        }
    }

    // The caller holds a lease.
    private void RunRowOnSession(ReadOnlySpan<float> input, Span<float> output, string paramName, int firstRow = 0)
    {
        try
        {
            if (!InputGuard.AllFinite(input)) InputGuard.ThrowNotFinite(input, paramName, firstRow * InputSize);
            RowRunner runner = Rent();
            try
            {
                input.CopyTo(runner.Input);
                session.RunWithBinding(runOptions, runner.Binding);
                runner.Output.CopyTo(output);
            }
            finally
            {
                Return(runner);
            }
            InputGuard.OutputFinite(output, OutputSize, paramName, firstRow);
        }
        catch (OnnxRuntimeException e)
        {
            throw RunFailed(e);
        }
    }

    private static InvalidOperationException RunFailed(OnnxRuntimeException e) =>
        new($"ONNX Runtime failed to run the model ({FirstLine(e.Message)})", e);

    private static (int Input, string Output, int OutputSize) CheckSignature(InferenceSession session, string source, string? output)
    {
        if (session.InputMetadata.Count != 1 || (output is null && session.OutputMetadata.Count != 1))
            throw new InvalidDataException(
                $"{source}: expected one input and one output, found {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs");
        KeyValuePair<string, NodeMetadata> chosen = output is null ? session.OutputMetadata.Single()
            : session.OutputMetadata.FirstOrDefault(o => o.Key == output) is { Key: not null } named ? named
            : throw new InvalidDataException($"{source}: expected an output named '{output}', found {string.Join(", ", session.OutputMetadata.Keys.Select(k => $"'{k}'"))}");
        return (Width(session.InputMetadata.Single(), "input", source), chosen.Key, Width(chosen, "output", source));
    }

    private static int Width(KeyValuePair<string, NodeMetadata> value, string kind, string source)
    {
        NodeMetadata node = value.Value;
        int[] dims = node.IsTensor ? node.Dimensions : [];
        if (!node.IsTensor || node.ElementDataType != TensorElementType.Float || dims.Length != 2 || dims[0] > 0 || dims[1] <= 0)
            throw new InvalidDataException(
                $"{source}: expected {kind} '{value.Key}' to be float [batch, N], found " +
                (node.IsTensor ? $"{node.ElementDataType} [{string.Join(", ", dims.Select(d => d > 0 ? d.ToString() : "?"))}]" : node.OnnxValueType.ToString()));
        return dims[1];
    }

    private RowRunner Rent()
    {
        lock (idle)
        {
            if (idle.TryPop(out RowRunner? runner)) return runner;
            runner = new RowRunner(session, inputNames[0], outputNames[0], InputSize, OutputSize);
            all.Add(runner);
            return runner;
        }
    }

    private void Return(RowRunner runner)
    {
        lock (idle) idle.Push(runner);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>
    /// Closes the model to new calls. Its native memory is released now, or by the last call still running
    /// when that returns: disposing while other threads are inside never frees memory under them.
    /// </summary>
    public void Dispose()
    {
        if (gate.Close()) Release();
    }

    private void Release()
    {
        foreach (RowRunner runner in all) runner.Dispose();
        runOptions.Dispose();
        session.Dispose();
    }

    /// <summary>A hold on the model from <see cref="Hold"/>; disposing it releases the model if it was disposed meanwhile.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly OnnxModel? model;

        internal Lease(OnnxModel model) => this.model = model;

        /// <inheritdoc />
        public void Dispose()
        {
            if (model is not null && model.gate.Exit()) model.Release();
        }
    }

    /// <summary>Pre-allocated buffers for one row, bound to the session once.</summary>
    private sealed class RowRunner : IDisposable
    {
        private readonly OrtValue inputValue;
        private readonly OrtValue outputValue;

        public RowRunner(InferenceSession session, string inputName, string outputName, int inputSize, int outputSize)
        {
            Input = new float[inputSize];
            Output = new float[outputSize];
            inputValue = OrtValue.CreateTensorValueFromMemory(Input, [1, inputSize]);
            outputValue = OrtValue.CreateTensorValueFromMemory(Output, [1, outputSize]);
            Binding = session.CreateIoBinding();
            Binding.BindInput(inputName, inputValue);
            Binding.BindOutput(outputName, outputValue);
        }

        public float[] Input { get; }
        public float[] Output { get; }
        public OrtIoBinding Binding { get; }

        public void Dispose()
        {
            Binding.Dispose();
            inputValue.Dispose();
            outputValue.Dispose();
        }
    }
}
