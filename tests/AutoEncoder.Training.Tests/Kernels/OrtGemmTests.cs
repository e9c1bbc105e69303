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
        // 128 × 96 × 130 multiply-adds: above OrtGemm.MinMultiplyAdds, so ONNX Runtime computes every product.
        using Tensor a = torch.randn(128, 130), b = torch.randn(130, 96), c = torch.randn(96, 130), bias = torch.randn(96);
        using Tensor left = torch.randn(130, 128);
        using Tensor affine = torch.empty(128, 96), stored = torch.empty(128, 96), plain = torch.empty(128, 96);
        using Tensor transposed = torch.empty(128, 96), right = torch.empty(128, 96);
        using var gemm = new OrtGemm();

        gemm.MultiplyTransposedAdd(a, c, bias, affine);
        gemm.MultiplyAdd(a, b, bias, stored);
        gemm.Multiply(a, b, plain);
        gemm.MultiplyLeftTransposed(left, b, transposed);
        gemm.MultiplyRightTransposed(a, c, right);

        Close.Assert(Values(torch.mm(a, c.t()) + bias), Values(affine), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, b)), Values(plain), Atol, Rtol);
        Close.Assert(Values(torch.mm(left.t(), b)), Values(transposed), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, b) + bias), Values(stored), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, c.t())), Values(right), Atol, Rtol);
    }

    [Fact]
    public void Refuses_a_tensor_that_is_not_contiguous()
    {
        // Large enough for ONNX Runtime (smaller products run in libtorch, which takes any strides).
        using Tensor a = torch.randn(128, 128), b = torch.randn(128, 128), output = torch.empty(128, 128);
        using Tensor strided = a.t();
        using var gemm = new OrtGemm();

        var error = Assert.Throws<ArgumentException>(() => gemm.Multiply(strided, b, output));

        Assert.StartsWith("expected a contiguous float32 tensor, found Float32 of strides [1, 128]", error.Message);
    }

    [Fact]
    public void Refuses_sizes_that_do_not_multiply()
    {
        using Tensor a = torch.randn(128, 128), b = torch.randn(127, 128), output = torch.empty(128, 128);
        using var gemm = new OrtGemm();

        Assert.Throws<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(() => gemm.Multiply(a, b, output));
    }
}
