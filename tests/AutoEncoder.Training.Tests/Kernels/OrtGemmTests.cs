using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Kernels;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Kernels;

public sealed class OrtGemmTests
{
    // Sums of up to 130 products of order-1 values in a different order from libtorch's: rounding near 1e-6.
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
        // Large enough for ONNX Runtime (smaller tensor products run in libtorch, which takes any strides).
        using Tensor a = torch.randn(128, 128), b = torch.randn(128, 128), output = torch.empty(128, 128);
        using Tensor strided = a.t();
        using var gemm = new OrtGemm();

        var error = Assert.Throws<ArgumentException>(() => gemm.Multiply(strided, b, output));

        Assert.StartsWith("expected a contiguous float32 tensor of 1 or 2 dimensions, found Float32 of strides [1, 128]", error.Message);
    }

    [Theory]
    [InlineData(128)] // ONNX Runtime's size
    [InlineData(8)] // the managed loops', which would otherwise read past the memory
    public void Refuses_sizes_that_do_not_multiply(int size)
    {
        using Tensor a = torch.randn(size, size), b = torch.randn(size - 1, size), output = torch.empty(size, size);
        using var gemm = new OrtGemm();

        var error = Assert.Throws<ArgumentException>(() => gemm.Multiply(MatrixView.Of(a), MatrixView.Of(b), MatrixView.Of(output)));

        Assert.Equal($"a · b: expected [{size} × {size}] by [{size} × {size}] into [{size} × {size}], found [{size} × {size}] by [{size - 1} × {size}] into [{size} × {size}]", error.Message);
    }

    [Fact]
    public void Each_small_product_of_views_matches_libtorch()
    {
        torch.manual_seed(6);
        // 32 × 2 × 37 multiply-adds, below OrtGemm.MinMultiplyAdds, given as views: the managed loops, with inner
        // and outer sizes that are not whole vectors, so that the scalar tails run too.
        using Tensor a = torch.randn(32, 37), b = torch.randn(37, 2), c = torch.randn(2, 37), bias = torch.randn(2);
        using Tensor left = torch.randn(37, 32), wide = torch.randn(32, 37), error = torch.randn(32, 2);
        using Tensor affine = torch.empty(32, 2), stored = torch.empty(32, 2), plain = torch.empty(32, 2);
        using Tensor transposed = torch.empty(32, 2), right = torch.empty(32, 2), back = torch.empty(32, 37);
        using var gemm = new OrtGemm();

        static MatrixView V(Tensor t) => MatrixView.Of(t);
        gemm.MultiplyTransposedAdd(V(a), V(c), V(bias), V(affine));
        gemm.MultiplyAdd(V(a), V(b), V(bias), V(stored));
        gemm.Multiply(V(a), V(b), V(plain));
        gemm.MultiplyLeftTransposed(V(left), V(b), V(transposed));
        gemm.MultiplyRightTransposed(V(a), V(c), V(right));
        gemm.Multiply(V(error), V(c), V(back));

        Close.Assert(Values(torch.mm(a, c.t()) + bias), Values(affine), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, b) + bias), Values(stored), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, b)), Values(plain), Atol, Rtol);
        Close.Assert(Values(torch.mm(left.t(), b)), Values(transposed), Atol, Rtol);
        Close.Assert(Values(torch.mm(a, c.t())), Values(right), Atol, Rtol);
        Close.Assert(Values(torch.mm(error, c)), Values(back), Atol, Rtol);
    }
}
