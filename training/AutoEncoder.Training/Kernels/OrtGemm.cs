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
/// (2048² products: 103–116 ms against 174–191; 2026-12-02). A call costs microseconds before any
/// arithmetic (the seed model's step, five products of 32 × 784 × 2, took 181 µs against libtorch's 130), so
/// products of fewer than <see cref="MinMultiplyAdds"/> multiply-adds run in managed loops instead
/// (<see cref="SmallProducts"/>) when given as <see cref="MatrixView"/>s, in libtorch when given as tensors.
/// Safe to call from several threads at once.
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
    /// <exception cref="ArgumentException">The sizes do not multiply, or a tensor is not contiguous float32 memory.</exception>
    public void MultiplyTransposedAdd(MatrixView a, MatrixView b, MatrixView bias, MatrixView output)
    {
        Check(a.Rows, a.Columns, b.Columns, b.Rows, output, "a · bᵀ", bias);
        if (Small(a.Rows, b.Rows, a.Columns)) SmallProducts.MultiplyTransposed(a.Span, b.Span, bias.Span, output.Span, a.Rows, b.Rows, a.Columns);
        else Run(affine, ThreeInputs, output, a, b, bias);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/> + <paramref name="bias"/> (the forward of a weight stored transposed).</summary>
    /// <exception cref="ArgumentException">The sizes do not multiply.</exception>
    public void MultiplyAdd(MatrixView a, MatrixView b, MatrixView bias, MatrixView output)
    {
        Check(a.Rows, a.Columns, b.Rows, b.Columns, output, "a · b", bias);
        if (Small(a.Rows, b.Columns, a.Columns)) SmallProducts.Multiply(a.Span, b.Span, bias.Span, output.Span, a.Rows, b.Columns, a.Columns);
        else Run(affineStored, ThreeInputs, output, a, b, bias);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not multiply.</exception>
    public void Multiply(MatrixView a, MatrixView b, MatrixView output)
    {
        Check(a.Rows, a.Columns, b.Rows, b.Columns, output, "a · b");
        if (Small(a.Rows, b.Columns, a.Columns)) SmallProducts.Multiply(a.Span, b.Span, [], output.Span, a.Rows, b.Columns, a.Columns);
        else Run(plain, TwoInputs, output, a, b);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/>ᵀ · <paramref name="b"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not multiply.</exception>
    public void MultiplyLeftTransposed(MatrixView a, MatrixView b, MatrixView output)
    {
        Check(a.Columns, a.Rows, b.Rows, b.Columns, output, "aᵀ · b");
        if (Small(a.Columns, b.Columns, a.Rows)) SmallProducts.MultiplyLeftTransposed(a.Span, b.Span, output.Span, a.Columns, b.Columns, a.Rows);
        else Run(leftTransposed, TwoInputs, output, a, b);
    }

    /// <summary><paramref name="output"/> ← <paramref name="a"/> · <paramref name="b"/>ᵀ.</summary>
    /// <exception cref="ArgumentException">The sizes do not multiply.</exception>
    public void MultiplyRightTransposed(MatrixView a, MatrixView b, MatrixView output)
    {
        Check(a.Rows, a.Columns, b.Columns, b.Rows, output, "a · bᵀ");
        if (Small(a.Rows, b.Rows, a.Columns)) SmallProducts.MultiplyTransposed(a.Span, b.Span, [], output.Span, a.Rows, b.Rows, a.Columns);
        else Run(rightTransposed, TwoInputs, output, a, b);
    }

    // The tensor forms serve the autograd path (GemmLinear). Their small products stay in libtorch: describing
    // four tensors to the managed loops (type, strides, shape, address: a call into libtorch each) cost more
    // than libtorch's product itself, and took the seed model's autograd epochs from 2.5–3.4 s to 4.1–5.4 s.

    /// <inheritdoc cref="MultiplyTransposedAdd(MatrixView, MatrixView, MatrixView, MatrixView)"/>
    public void MultiplyTransposedAdd(Tensor a, Tensor b, Tensor bias, Tensor output)
    {
        if (Small(a.shape[0], b.shape[0], a.shape[1])) output.copy_(bias.expand(output.shape)).addmm_(a, b.t());
        else MultiplyTransposedAdd(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(bias), MatrixView.Of(output));
    }

    /// <inheritdoc cref="MultiplyAdd(MatrixView, MatrixView, MatrixView, MatrixView)"/>
    public void MultiplyAdd(Tensor a, Tensor b, Tensor bias, Tensor output)
    {
        if (Small(a.shape[0], b.shape[1], a.shape[1])) output.copy_(bias.expand(output.shape)).addmm_(a, b);
        else MultiplyAdd(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(bias), MatrixView.Of(output));
    }

    /// <inheritdoc cref="Multiply(MatrixView, MatrixView, MatrixView)"/>
    public void Multiply(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[0], b.shape[1], a.shape[1])) output.addmm_(a, b, beta: 0);
        else Multiply(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(output));
    }

    /// <inheritdoc cref="MultiplyLeftTransposed(MatrixView, MatrixView, MatrixView)"/>
    public void MultiplyLeftTransposed(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[1], b.shape[1], a.shape[0])) output.addmm_(a.t(), b, beta: 0);
        else MultiplyLeftTransposed(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(output));
    }

    /// <inheritdoc cref="MultiplyRightTransposed(MatrixView, MatrixView, MatrixView)"/>
    public void MultiplyRightTransposed(Tensor a, Tensor b, Tensor output)
    {
        if (Small(a.shape[0], b.shape[0], a.shape[1])) output.addmm_(a, b.t(), beta: 0);
        else MultiplyRightTransposed(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(output));
    }

    private static bool Small(long rows, long columns, long inner) => rows * columns * inner < MinMultiplyAdds;

    // The managed loops index the memory directly, so the sizes are checked here, before either kernel runs:
    // left [m × k] by right [k × n] into output [m × n], and a bias of n.
    private static void Check(int m, int k, int rightInner, int n, MatrixView output, string product, MatrixView? bias = null)
    {
        if (rightInner != k || output.Rows != m || output.Columns != n || bias is { } b && (b.Rows != 1 || b.Columns != n))
            throw new ArgumentException(
                $"{product}: expected [{m} × {k}] by [{k} × {n}] into [{m} × {n}]{(bias is null ? "" : $" with a bias of {n}")}, " +
                $"found [{m} × {k}] by [{rightInner} × {n}] into [{output.Rows} × {output.Columns}]{(bias is { } c ? $" with a bias of [{c.Rows} × {c.Columns}]" : "")}");
    }

    // Every matrix stays where it is, and alive, for the call.
    private void Run(InferenceSession session, string[] inputNames, MatrixView output, params MatrixView[] inputs)
    {
        var values = new OrtValue[inputs.Length];
        try
        {
            for (int i = 0; i < inputs.Length; i++) values[i] = Wrap(inputs[i], bias: inputNames[i] == "c");
            using OrtValue result = Wrap(output, bias: false);
            session.Run(run, inputNames, values, Output, [result]);
        }
        finally
        {
            foreach (OrtValue? value in values) value?.Dispose();
        }
    }

    private static OrtValue Wrap(MatrixView matrix, bool bias) =>
        OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
            bias ? [matrix.Columns] : [matrix.Rows, matrix.Columns], matrix.Address, (long)matrix.Rows * matrix.Columns * sizeof(float));

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
