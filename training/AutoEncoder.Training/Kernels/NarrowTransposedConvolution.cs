using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// A <see cref="ConvTranspose2d"/> to one output channel, forward and backward, for training. oneDNN
/// computes output channels in blocks of 16, so the conv preset's last layer (32 channels to 1, 7.2 MFLOP
/// for 64 images) took 2.6–2.7 ms forward on one thread, about as long as the layer before it with 16
/// times the arithmetic; here it takes 0.5 ms (AVX-512 host, 2026-12-02). Each image is one product of
/// the weights with the input (kernel taps × pixels) and a scatter of the taps onto the output (col2im);
/// backward gathers the output's gradient the same way (im2col). The module itself stays what the
/// exporter reads; tests pin this to its forward and gradients.
/// </summary>
internal sealed class NarrowTransposedConvolution : autograd.SingleTensorFunction<NarrowTransposedConvolution>
{
    /// <summary>
    /// Most output channels taken here. For 64 images of 32×14×14 on one thread, forward and backward took
    /// 1.4 ms against oneDNN's 3.2 for one output channel, but 4.2–4.4 against 3.8 for three.
    /// </summary>
    public const long MaxOutputChannels = 1;

    /// <inheritdoc />
    public override string Name => nameof(NarrowTransposedConvolution);

    /// <summary>
    /// Whether <paramref name="module"/> is computed here: at most <see cref="MaxOutputChannels"/> output
    /// channels, explicit zero padding, one group, no dilation, a bias, and one output padding for both axes
    /// (TorchSharp 0.107's module applies the first to both, and this must compute what the module does).
    /// </summary>
    public static bool Supports(ConvTranspose2d module) =>
        module.out_channels <= MaxOutputChannels && module.groups == 1 && module.padding_mode == PaddingModes.Zeros
        && module.padding_type is null && module.dilation.All(d => d == 1) && module.bias is not null
        && module.output_padding[0] == module.output_padding[1];

    /// <summary><paramref name="module"/>'s output for <paramref name="input"/> [batch, channels, height, width], recorded for autograd.</summary>
    public static Tensor Forward(ConvTranspose2d module, Tensor input)
    {
        long[] padding = module.padding ?? [0, 0];
        var shape = new Geometry(
            (int)module.in_channels, (int)module.out_channels, (int)input.shape[2], (int)input.shape[3],
            (int)module.kernel_size[0], (int)module.kernel_size[1], (int)module.stride[0], (int)module.stride[1],
            (int)padding[0], (int)padding[1], (int)module.output_padding[0], (int)module.output_padding[1]);
        return apply(input, module.weight!, module.bias!, shape);
    }

    /// <inheritdoc />
    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (input, weight, bias, shape) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (Geometry)vars[3]);
        // Saved as given: autograd takes saved tensors after forward returns, when a contiguous copy made here is gone.
        ctx.save_for_backward([input, weight]);
        using Tensor x = input.contiguous();
        ctx.save_data(nameof(Geometry), shape);
        long images = x.shape[0];
        Tensor output = empty([images, shape.Outputs, shape.OutputHeight, shape.OutputWidth]);
        ReadOnlySpan<float> xs = Floats(x), w = Floats(weight), b = Floats(bias);
        Span<float> y = Floats(output);
        float[] taps = new float[shape.Taps * shape.Pixels];
        for (long n = 0; n < images; n++)
        {
            Array.Clear(taps);
            ReadOnlySpan<float> image = xs.Slice((int)(n * shape.Channels * shape.Pixels), shape.Channels * shape.Pixels);
            for (int c = 0; c < shape.Channels; c++)
            {
                ReadOnlySpan<float> channel = image.Slice(c * shape.Pixels, shape.Pixels);
                for (int t = 0; t < shape.Taps; t++)
                {
                    Span<float> tap = taps.AsSpan(t * shape.Pixels, shape.Pixels);
                    TensorPrimitives.MultiplyAdd(channel, w[c * shape.Taps + t], tap, tap);
                }
            }
            Span<float> planes = y.Slice((int)(n * shape.OutputSize), (int)shape.OutputSize);
            for (int o = 0; o < shape.Outputs; o++) planes.Slice(o * shape.OutputPlane, shape.OutputPlane).Fill(b[o]);
            shape.Scatter(taps, planes);
        }
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        List<Tensor> saved = ctx.get_saved_variables();
        var (weight, shape) = (saved[1], (Geometry)ctx.get_data(nameof(Geometry)));
        using Tensor x = saved[0].contiguous(), dy = gradient.contiguous();
        long images = x.shape[0];
        Tensor dx = empty_like(x), dw = zeros_like(weight), db = zeros(shape.Outputs);
        ReadOnlySpan<float> xs = Floats(x), w = Floats(weight), gy = Floats(dy);
        Span<float> gx = Floats(dx), gw = Floats(dw), gb = Floats(db);
        float[] taps = new float[shape.Taps * shape.Pixels];
        int imageSize = shape.Channels * shape.Pixels;
        for (long n = 0; n < images; n++)
        {
            ReadOnlySpan<float> planes = gy.Slice((int)(n * shape.OutputSize), (int)shape.OutputSize);
            for (int o = 0; o < shape.Outputs; o++) gb[o] += TensorPrimitives.Sum(planes.Slice(o * shape.OutputPlane, shape.OutputPlane));
            shape.Gather(planes, taps);
            ReadOnlySpan<float> image = xs.Slice((int)n * imageSize, imageSize);
            Span<float> imageGradient = gx.Slice((int)n * imageSize, imageSize);
            for (int c = 0; c < shape.Channels; c++)
            {
                ReadOnlySpan<float> channel = image.Slice(c * shape.Pixels, shape.Pixels);
                Span<float> channelGradient = imageGradient.Slice(c * shape.Pixels, shape.Pixels);
                channelGradient.Clear();
                for (int t = 0; t < shape.Taps; t++)
                {
                    ReadOnlySpan<float> tap = taps.AsSpan(t * shape.Pixels, shape.Pixels);
                    TensorPrimitives.MultiplyAdd(tap, w[c * shape.Taps + t], channelGradient, channelGradient);
                    gw[c * shape.Taps + t] += TensorPrimitives.Dot(channel, tap);
                }
            }
        }
        // One gradient per argument of apply: none for the geometry.
        return [dx, dw, db, null!];
    }

    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    /// <summary>
    /// The layer's sizes. Taps are (output channel, kernel row, kernel column), in the weight's order; input
    /// pixel (iy, ix) under tap (o, ky, kx) lands on output pixel (iy·stride − padding + ky, ix·stride − padding + kx).
    /// </summary>
    private sealed record Geometry(int Channels, int Outputs, int Height, int Width, int KernelHeight, int KernelWidth,
        int StrideHeight, int StrideWidth, int PadHeight, int PadWidth, int ExtraHeight, int ExtraWidth)
    {
        public int Pixels => Height * Width;
        public int Taps => Outputs * KernelHeight * KernelWidth;
        public int OutputHeight => (Height - 1) * StrideHeight - 2 * PadHeight + KernelHeight + ExtraHeight;
        public int OutputWidth => (Width - 1) * StrideWidth - 2 * PadWidth + KernelWidth + ExtraWidth;
        public int OutputPlane => OutputHeight * OutputWidth;
        public long OutputSize => (long)Outputs * OutputPlane;

        // (index in the taps, index in the output planes) of every input pixel under every tap that lands
        // inside, per geometry: built once, not at every step (a record compares by its sizes).
        private static readonly ConcurrentDictionary<Geometry, (int[] From, int[] To)> Tables = new();

        private (int[] From, int[] To) Landings => Tables.GetOrAdd(this, static shape => shape.FindLandings());

        /// <summary>Adds each tap's pixels onto the output planes where they land (col2im).</summary>
        public void Scatter(ReadOnlySpan<float> taps, Span<float> planes)
        {
            var (from, to) = Landings;
            for (int i = 0; i < from.Length; i++) planes[to[i]] += taps[from[i]];
        }

        /// <summary>Each tap's pixels read from the output planes where they land, zero where they fall outside (im2col).</summary>
        public void Gather(ReadOnlySpan<float> planes, Span<float> taps)
        {
            var (from, to) = Landings;
            taps.Clear();
            for (int i = 0; i < from.Length; i++) taps[from[i]] = planes[to[i]];
        }

        private (int[] From, int[] To) FindLandings()
        {
            List<int> from = [], to = [];
            for (int t = 0; t < Taps; t++)
            {
                int o = t / (KernelHeight * KernelWidth), ky = t / KernelWidth % KernelHeight, kx = t % KernelWidth;
                for (int iy = 0; iy < Height; iy++)
                {
                    int oy = iy * StrideHeight - PadHeight + ky;
                    if (oy < 0 || oy >= OutputHeight) continue;
                    for (int ix = 0; ix < Width; ix++)
                    {
                        int ox = ix * StrideWidth - PadWidth + kx;
                        if (ox < 0 || ox >= OutputWidth) continue;
                        from.Add(t * Pixels + iy * Width + ix);
                        to.Add((o * OutputHeight + oy) * OutputWidth + ox);
                    }
                }
            }
            return ([.. from], [.. to]);
        }
    }
}
