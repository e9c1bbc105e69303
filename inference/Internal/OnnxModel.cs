using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// One validated ONNX model mapping float rows [batch, InputSize] to [batch, OutputSize]. ONNX Runtime
/// loads and checks every model; small Gemm chains then run in <see cref="DenseStack"/>, anything else in
/// ONNX Runtime. Safe for concurrent use: in ONNX Runtime, single rows go through a pool of pre-bound
/// runners (no allocation per call) and batches run over the caller's own memory (no copy).
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
    private bool disposed;

    private OnnxModel(InferenceSession session, int inputSize, int outputSize, ModelMetadata metadata, DenseStack? kernel)
    {
        this.session = session;
        this.kernel = kernel;
        inputNames = [session.InputMetadata.Keys.Single()];
        outputNames = [session.OutputMetadata.Keys.Single()];
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

    /// <summary>Whether rows run in the managed kernel rather than in ONNX Runtime.</summary>
    public bool UsesManagedKernel => kernel is not null;

    /// <summary>Validates <paramref name="bytes"/> as a model of <paramref name="role"/> and opens a session.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a usable model of that role.</exception>
    public static OnnxModel Open(ReadOnlyMemory<byte> bytes, string role, string source, bool allowManagedKernel = true)
    {
        ModelBytes.EnsureSize(bytes.Length, source);
        OnnxGraph graph;
        try
        {
            graph = OnnxGraph.Read(bytes.Span);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: not a valid ONNX model ({e.Message})", e);
        }
        if (graph.ReferencesExternalData)
            throw new InvalidDataException($"{source}: model references external data files, which are refused (only self-contained models load)");

        InferenceSession session;
        try
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            session = new InferenceSession(bytes.ToArray(), options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{source}: not a valid ONNX model ({FirstLine(e.Message)})", e);
        }

        try
        {
            (int input, int output) = CheckSignature(session, source);
            Dictionary<string, string> properties = new(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
            var metadata = new ModelMetadata(properties, session.ModelMetadata.ProducerName, session.ModelMetadata.Description);
            if (metadata.Role != role)
                throw new InvalidDataException(
                    $"{source}: expected a model with role '{role}', found '{(metadata.Role.Length == 0 ? "none" : metadata.Role)}'");
            DenseStack? kernel = allowManagedKernel ? DenseStack.TryCompile(graph) : null;
            return new OnnxModel(session, input, output, metadata, kernel);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs one row without allocating (in ONNX Runtime, through a pooled runner).</summary>
    /// <exception cref="ArgumentException">The row holds a NaN or infinite value; <paramref name="paramName"/> names it.</exception>
    public void RunRow(ReadOnlySpan<float> input, Span<float> output, string paramName)
    {
        if (kernel is not null)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!kernel.TryRunRow(input, output)) InputGuard.ThrowNotFinite(input, paramName);
            return;
        }
        InputGuard.Finite(input, paramName);
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
    }

    /// <summary>Runs <paramref name="rows"/> rows, reading and writing the caller's memory directly.</summary>
    /// <exception cref="ArgumentException">A row holds a NaN or infinite value; <paramref name="paramName"/> names it.</exception>
    public unsafe void RunRows(ReadOnlySpan<float> input, Span<float> output, int rows, string paramName)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (kernel is not null)
        {
            if (!kernel.TryRun(input, output, rows)) InputGuard.ThrowNotFinite(input, paramName);
            return;
        }
        InputGuard.Finite(input, paramName);
        fixed (float* source = input)
        fixed (float* destination = output)
        {
            using OrtValue inputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                TensorElementType.Float, [rows, InputSize], (IntPtr)source, (long)input.Length * sizeof(float));
            using OrtValue outputValue = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance,
                TensorElementType.Float, [rows, OutputSize], (IntPtr)destination, (long)output.Length * sizeof(float));
            session.Run(runOptions, inputNames, [inputValue], outputNames, [outputValue]);
        }
    }

    private static (int Input, int Output) CheckSignature(InferenceSession session, string source)
    {
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count != 1)
            throw new InvalidDataException(
                $"{source}: expected one input and one output, found {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs");
        return (Width(session.InputMetadata.Single(), "input", source), Width(session.OutputMetadata.Single(), "output", source));
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
            ObjectDisposedException.ThrowIf(disposed, this);
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

    /// <inheritdoc />
    public void Dispose()
    {
        lock (idle)
        {
            if (disposed) return;
            disposed = true;
            foreach (RowRunner runner in all) runner.Dispose();
        }
        runOptions.Dispose();
        session.Dispose();
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
