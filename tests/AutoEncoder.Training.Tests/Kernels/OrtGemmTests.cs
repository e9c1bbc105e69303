using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Kernels;

public sealed class OrtGemmTests
{
    // Sums of 9 products of order-1 values in a different order from libtorch's: rounding near 1e-6.
    private const double Atol = 1e-5, Rtol = 1e-5;

    private static float[] Values(Tensor tensor) => tensor.data<float>().ToArray();

    [Fact]
    public void Each_product_matches_libtorch()
    {
        torch.manual_seed(5);
        using Tensor a = torch.randn(4, 9), b = torch.randn(9, 6), c = torch.randn(6, 9), bias = torch.randn(6);
        using Tensor left = torch.randn(9, 4);
        using Tensor affine = torch.empty(4, 6), plain = torch.empty(4, 6), transposed = torch.empty(4, 6);
        using var gemm = new OrtGemm();

        gemm.MultiplyTransposedAdd(a, c, bias, affine);
        gemm.Multiply(a, b, plain);
        gemm.MultiplyLeftTransposed(left, b, transposed);

        Close.Assert(Values(torch.mm(a, c.t()) + bias), Values(affine), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, b)), Values(plain), Atol, Rtol);
        Close.Assert(Values(torch.mm(left.t(), b)), Values(transposed), Atol, Rtol);
    }

    [Fact]
    public void Refuses_a_tensor_that_is_not_contiguous()
    {
        using Tensor a = torch.randn(9, 4), b = torch.randn(9, 6), output = torch.empty(4, 6);
        using Tensor strided = a.t();
        using var gemm = new OrtGemm();

        var error = Assert.Throws<ArgumentException>(() => gemm.Multiply(strided, b, output));

        Assert.StartsWith("expected a contiguous float32 tensor, found Float32 of strides [1, 4]", error.Message);
    }

    [Fact]
    public void Refuses_sizes_that_do_not_multiply()
    {
        using Tensor a = torch.randn(4, 9), b = torch.randn(8, 6), output = torch.empty(4, 6);
        using var gemm = new OrtGemm();

        Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => gemm.Multiply(a, b, output));
    }
}
