using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// A <see cref="Linear"/> layer, forward and backward, for training, with its three matrix products run by
/// <see cref="OrtGemm"/> rather than libtorch's MKL. Forward and backward of the conv preset's dense layers
/// on one shard (64 rows, one thread, the fastest of five timings): 3136 → 96 0.80 ms against the module's
/// 1.72, 96 → 3136 1.02 against 1.55, 512 → 256 0.36 against 0.63, 256 → 512 0.40 against 0.67 (AVX-512
/// host, 2026-12-02).
/// The module itself stays what the exporter reads; tests pin this to its forward and gradients.
/// </summary>
internal sealed class GemmLinear : autograd.SingleTensorFunction<GemmLinear>
{
    /// <inheritdoc />
    public override string Name => nameof(GemmLinear);

    /// <summary>Whether <paramref name="module"/> is computed here: one with a bias.</summary>
    public static bool Supports(Linear module) => module.bias is not null;

    /// <summary><paramref name="module"/>'s output for <paramref name="input"/> [rows, features], recorded for autograd.</summary>
    public static Tensor Forward(Linear module, Tensor input, OrtGemm gemm) => apply(input, module.weight!, module.bias!, gemm);

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, bias, gemm) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (OrtGemm)vars[3]);
        // Saved as given: autograd takes saved tensors after forward returns, when a contiguous copy made here is gone.
        ctx.save_for_backward([input, weight]);
        ctx.save_data(nameof(OrtGemm), gemm);
        using Tensor x = input.contiguous();
        Tensor output = empty([x.shape[0], weight.shape[0]]);
        gemm.MultiplyTransposedAdd(x, weight, bias, output);
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        List<Tensor> saved = ctx.get_saved_variables();
        var (input, weight, gemm) = (saved[0], saved[1], (OrtGemm)ctx.get_data(nameof(OrtGemm)));
        using Tensor x = input.contiguous(), dy = gradient.contiguous();
        // The first layer's input (the data) needs no gradient: skip that product.
        Tensor? dx = null;
        if (input.requires_grad)
        {
            dx = empty_like(x);
            gemm.Multiply(dy, weight, dx);
        }
        Tensor dw = empty_like(weight);
        gemm.MultiplyLeftTransposed(dy, x, dw);
        // One gradient per argument of apply: none for the products.
        return [dx!, dw, dy.sum(0L), null!];
    }
}
