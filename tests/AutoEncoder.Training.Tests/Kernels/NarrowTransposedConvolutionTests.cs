using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Kernels;
using TorchSharp.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Kernels;

public sealed class NarrowTransposedConvolutionTests
{
    // Both sides sum the same float products in different orders (oneDNN's blocks against one channel at a
    // time): inputs and weights of order 1 over at most 32·4 = 128 terms put the rounding near 1e-5 of a value
    // of order 10; 1e-5 absolute plus 1e-5 relative holds it with room and fails any misplaced tap.
    private const double Atol = 1e-5, Rtol = 1e-5;

    public static TheoryData<long, long, long[], long[], long[], long[]> Layers => new()
    {
        // The conv preset's last layer: 3×3, stride 2, padding 1, output padding 1.
        { 32, 1, [3, 3], [2, 2], [1, 1], [1, 1] },
        // Three channels and a kernel, stride and padding that differ by axis. (The output padding does not:
        // TorchSharp 0.107's module applies its first value to both axes, where conv_transpose2d does not.)
        { 5, 3, [4, 3], [2, 3], [1, 0], [1, 1] },
    };

    private static (ConvTranspose2d Module, Tensor Input) Layer(long inputs, long outputs, long[] kernel, long[] stride, long[] padding, long[] outputPadding)
    {
        torch.manual_seed(7);
        var module = nn.ConvTranspose2d(inputs, outputs, (kernel[0], kernel[1]), stride: (stride[0], stride[1]),
            padding: (padding[0], padding[1]), output_padding: (outputPadding[0], outputPadding[1]));
        Tensor input = torch.randn(3, inputs, 6, 5).requires_grad_(true);
        return (module, input);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Forward_matches_the_module(long inputs, long outputs, long[] kernel, long[] stride, long[] padding, long[] outputPadding)
    {
        var (module, input) = Layer(inputs, outputs, kernel, stride, padding, outputPadding);
        using var noGrad = torch.no_grad();

        using Tensor expected = module.forward(input);
        using Tensor actual = NarrowTransposedConvolution.Forward(module, input);

        Assert.Equal(expected.shape, actual.shape);
        Close.Assert(expected.data<float>().ToArray(), actual.data<float>().ToArray(), Atol, Rtol);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Gradients_of_input_weight_and_bias_match_autograd_through_the_module(
        long inputs, long outputs, long[] kernel, long[] stride, long[] padding, long[] outputPadding)
    {
        var (module, input) = Layer(inputs, outputs, kernel, stride, padding, outputPadding);
        Tensor[] wrt = [input, module.weight!, module.bias!];
        // A weighting that differs per output element, so a gradient routed to the wrong pixel shows.
        using Tensor weighting = torch.randn(module.forward(input).shape);

        IList<Tensor> expected = torch.autograd.grad([(module.forward(input) * weighting).sum()], wrt);
        IList<Tensor> actual = torch.autograd.grad([(NarrowTransposedConvolution.Forward(module, input) * weighting).sum()], wrt);

        for (int i = 0; i < wrt.Length; i++)
            Close.Assert(expected[i].data<float>().ToArray(), actual[i].data<float>().ToArray(), Atol, Rtol);
    }

    [Fact]
    public void Takes_one_output_channel_only()
    {
        Assert.True(NarrowTransposedConvolution.Supports(nn.ConvTranspose2d(32, NarrowTransposedConvolution.MaxOutputChannels, 3, stride: 2, padding: 1, output_padding: 1)));
        Assert.False(NarrowTransposedConvolution.Supports(nn.ConvTranspose2d(64, NarrowTransposedConvolution.MaxOutputChannels + 1, 3)));
        Assert.False(NarrowTransposedConvolution.Supports(nn.ConvTranspose2d(32, 1, (3, 3), stride: (3, 3), output_padding: (1, 0))));
        Assert.False(NarrowTransposedConvolution.Supports(nn.ConvTranspose2d(32, 1, 3, dilation: 2)));
        Assert.False(NarrowTransposedConvolution.Supports(nn.ConvTranspose2d(32, 1, 3, bias: false)));
    }
}
