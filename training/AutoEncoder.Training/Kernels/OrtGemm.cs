using AutoEncoder.Onnx;
using AutoEncoder.Onnx.Schema;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// Matrix products by ONNX Runtime's Gemm operator, on the calling thread, read from and written to the
/// memory of libtorch tensors. libtorch multiplies through MKL, which takes its AVX2 kernels on AMD
/// processors; ONNX Runtime's own kernels (MLAS) pick AVX-512 by the processor's features. One thread of
/// the AVX-512 host here, 64 rows by a 3136 → 96 layer's weights: 0.20–0.21 ms against libtorch's 0.40–0.49
/// (2048² products: 103–116 ms against 174–191; 2026-12-02). A call costs about 10 µs more than libtorch's
/// (the seed model's step, five products of 32 × 784 × 2, took 181 µs against 130), so products of fewer
/// than <see cref="MinMultiplyAdds"/> multiply-adds stay in libtorch. Safe to call from several threads at once.
/// </summary>
internal sealed class OrtGemm : IDisposable
{
    /// <summary>The smallest product (rows × columns × inner) run in ONNX Runtime; below it the call's fixed cost dominates.</summary>
    public const long MinMultiplyAdds = 1 << 20;

    private static readonly string[] TwoInputs = ["a", "b"], ThreeInputs = ["a", "b", "c"], Output = ["y"];

    private readonly SessionOptions options;
    private readonly RunOptions run = new();
    private readonly InferenceSession affine, affineStored, plain, leftTransposed, rightTransposed;

    /// <summary>Builds the five products ONNX Runtime will run, each on one thread.</summary>
    public OrtGemm()
    {
        options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        affine = Session(transposeLeft: false, transposeRight: true, withBias: true);
        affineStored = Session(transposeLeft: false, transposeRight: false, withBias: true);
        plain = Session(transposeLeft: false, transposeRight: false, withBias: false);
        leftTransposed = Session(transposeLeft: true, transposeRight: false, withBias: false);
        rightTransposed = Session(transposeLeft: false, transposeRight: true, withBias: false);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/>ᵀ + <paramref name="bias"/> (a Linear layer's forward).</summary>
    public void MultiplyTransposedAdd(Tensor a, Tensor b, Tensor bias, Tensor output)
    {
        if (Small(a.shape[0], b.shape[0], a.shape[1])) output.copy_(bias.expand(output.shape)).addmm_(a, b.t());
        else Run(affine, ThreeInputs, output, a, b, bias);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/> + <paramref name="bias"/> (the forward of a weight stored transposed).</summary>
    public void MultiplyAdd(Tensor a, Tensor b, Tensor bias, Tensor output)
    {
        if (Small(a.shape[0], b.shape[1], a.shape[1])) output.copy_(bias.expand(output.shape)).addmm_(a, b);
        else Run(affineStored, ThreeInputs, output, a, b, bias);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/>.</summary>
    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[0], b.shape[1], a.shape[1])) output.addmm_(a, b, beta: 0);
        else Run(plain, TwoInputs, output, a, b);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/>ᵀ · <paramref name="b"/>.</summary>
    public void MultiplyLeftTransposed(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[1], b.shape[1], a.shape[0])) output.addmm_(a.t(), b, beta: 0);
        else Run(leftTransposed, TwoInputs, output, a, b);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/>ᵀ.</summary>
    public void MultiplyRightTransposed(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[0], b.shape[0], a.shape[1])) output.addmm_(a, b.t(), beta: 0);
        else Run(rightTransposed, TwoInputs, output, a, b);
    }

    private static bool Small(long rows, long columns, long inner) => rows * columns * inner < MinMultiplyAdds;

    // Every tensor is contiguous float32 memory that libtorch owns and keeps alive for the call.
    private void Run(InferenceSession session, string[] inputNames, Tensor output, params Tensor[] inputs)
    {
        var values = new OrtValue[inputs.Length];
        try
        {
            for (int i = 0; i < inputs.Length; i++) values[i] = Wrap(inputs[i]);
            using OrtValue result = Wrap(output);
            session.Run(run, inputNames, values, Output, [result]);
        }
        finally
        {
            foreach (OrtValue? value in values) value?.Dispose();
        }
    }

    private static unsafe OrtValue Wrap(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || !tensor.is_contiguous())
            throw new ArgumentException($"expected a contiguous float32 tensor, found {tensor.dtype} of strides [{string.Join(", ", tensor.stride())}]", nameof(tensor));
        Span<byte> bytes = tensor.bytes;
        fixed (byte* start = bytes)
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, tensor.shape, (IntPtr)start, bytes.Length);
    }

    // One Gemm node over inputs of symbolic sizes: ONNX Runtime checks the sizes of each call.
    private InferenceSession Session(bool transposeLeft, bool transposeRight, bool withBias)
    {
        var graph = new GraphProto { Name = "gemm" };
        var node = new NodeProto { OpType = "Gemm", Output = { "y" } };
        node.Input.AddRange(withBias ? ThreeInputs : TwoInputs);
        node.Attribute.Add(GraphBuilder.IntAttribute("transA", transposeLeft ? 1 : 0));
        node.Attribute.Add(GraphBuilder.IntAttribute("transB", transposeRight ? 1 : 0));
        graph.Node.Add(node);
        graph.Input.Add(Value("a", "a0", "a1"));
        graph.Input.Add(Value("b", "b0", "b1"));
        if (withBias) graph.Input.Add(Value("c", "c0"));
        graph.Output.Add(Value("y", "y0", "y1"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return new InferenceSession(model.ToByteArray(), options);
    }

    private static ValueInfoProto Value(string name, params string[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (string dimension in dimensions) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = dimension });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (InferenceSession session in new[] { affine, affineStored, plain, leftTransposed, rightTransposed }) session.Dispose();
        run.Dispose();
        options.Dispose();
    }
}
