using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Kernels;
using TorchSharp.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Kernels;

public sealed class GemmLinearTests
{
    // ONNX Runtime and libtorch sum the same products in different blocks. Inputs of order 1 and PyTorch's
    // weights (|w| ≤ 1/√in) give outputs of order 1 whose rounding over up to 3136 terms stays near 1e-6,
    // and the weights' gradients (sums over 7 rows of order-1 values) near 1e-6 of a value of order 5;
    // 1e-5 absolute plus 1e-5 relative holds both with room and fails a transposed or misplaced product.
    private const double Atol = 1e-5, Rtol = 1e-5;

    public static TheoryData<long, long> Layers => new()
    {
        // The conv preset's widest layers, one each way.
        { 3136, 96 },
        { 96, 3136 },
        // Sizes that fill no vector register evenly.
        { 5, 3 },
    };

    private static (Linear Module, Tensor Input) Layer(long inputs, long outputs, bool inputGradient = true)
    {
        torch.manual_seed(11);
        var module = nn.Linear(inputs, outputs);
        Tensor input = torch.randn(7, inputs).requires_grad_(inputGradient);
        return (module, input);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Forward_matches_the_module(long inputs, long outputs)
    {
        var (module, input) = Layer(inputs, outputs);
        using var gemm = new OrtGemm();
        using var noGrad = torch.no_grad();

        using Tensor expected = module.forward(input);
        using Tensor actual = GemmLinear.Forward(module, input, gemm);

        Assert.Equal(expected.shape, actual.shape);
        Close.Assert(expected.data<float>().ToArray(), actual.data<float>().ToArray(), Atol, Rtol);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Gradients_of_input_weight_and_bias_match_autograd_through_the_module(long inputs, long outputs)
    {
        var (module, input) = Layer(inputs, outputs);
        using var gemm = new OrtGemm();
        Tensor[] wrt = [input, module.weight!, module.bias!];
        // A weighting that differs per output element, so a gradient routed to the wrong row or column shows.
        using Tensor weighting = torch.randn(7, outputs);

        IList<Tensor> expected = torch.autograd.grad([(module.forward(input) * weighting).sum()], wrt);
        IList<Tensor> actual = torch.autograd.grad([(GemmLinear.Forward(module, input, gemm) * weighting).sum()], wrt);

        for (int i = 0; i < wrt.Length; i++)
            Close.Assert(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray(), Atol, Rtol);
    }

    [Fact]
    public void A_layer_on_the_data_itself_gets_weight_and_bias_gradients_without_an_input_gradient()
    {
        var (module, input) = Layer(96, 3136, inputGradient: false);
        using var gemm = new OrtGemm();
        Tensor[] wrt = [module.weight!, module.bias!];

        IList<Tensor> expected = torch.autograd.grad([module.forward(input).sum()], wrt);
        IList<Tensor> actual = torch.autograd.grad([GemmLinear.Forward(module, input, gemm).sum()], wrt);

        for (int i = 0; i < wrt.Length; i++)
            Close.Assert(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray(), Atol, Rtol);
    }

    [Fact]
    public void Takes_layers_with_a_bias_only()
    {
        Assert.True(GemmLinear.Supports(nn.Linear(4, 2)));
        Assert.False(GemmLinear.Supports(nn.Linear(4, 2, hasBias: false)));
    }
}
