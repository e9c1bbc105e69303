using AutoEncoder.Training.Config;
using AutoEncoder.Training.Kernels;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Network;

/// <summary>
/// An encoder and a decoder kept as separate <see cref="Sequential"/> modules so that each can be run
/// and exported on its own. <see cref="forward"/> returns logits: training pairs them with
/// BCE-with-logits, and the exported decoder appends the sigmoid.
/// </summary>
internal sealed class AutoEncoderModel : nn.Module<Tensor, Tensor>
{
    // Fields, not auto-properties, so RegisterComponents names them "encoder" and "decoder".
    private readonly Sequential encoder;
    private readonly Sequential decoder;
    // A variational model's second head: the posterior's log-variance, from what the code (mean) layer reads.
    private readonly Linear? logVariance;
    // The layers as the training forward runs them: Linear layers through ONNX Runtime's products, a
    // transposed convolution to one channel by hand.
    private readonly Func<Tensor, Tensor>[] encoderSteps;
    private readonly Func<Tensor, Tensor>[] decoderSteps;
    private readonly Func<Tensor, Tensor>? logVarianceStep;
    // The encoder's layers as its module runs them (evaluation and export), for a variational model's two heads.
    private readonly Func<Tensor, Tensor>[] encoderModules;
    // Created by the first training forward: evaluation and export need none.
    private readonly Lazy<OrtGemm> gemm = new(() => new OrtGemm());

    /// <summary>Builds the layers; initial weights come from TorchSharp's global generator.</summary>
    public AutoEncoderModel(ModelConfig config) : base(nameof(AutoEncoderModel))
    {
        Config = config.Validate();
        int[] widths = [config.DenseInput, .. config.Hidden, config.Latent];
        ConvOptions? conv = config.Conv;
        if (conv is { Image: null })
            throw new ArgumentException("--conv-channels: the image shape is settled from the data before the model is built; none was", nameof(config));
        // Created in this order (convolutions, encoder's dense layers, a variational model's log-variance head,
        // decoder's, transposed convolutions), which fixes what each takes from the seeded generator.
        List<nn.Module<Tensor, Tensor>> encoderLayers = [.. conv is null ? [] : ConvolutionalEncoder(config, conv), .. Stack(widths, config)];
        if (config.Variational) logVariance = nn.Linear(widths[^2], config.Latent);
        List<nn.Module<Tensor, Tensor>> decoderLayers = Stack(widths.Reverse().ToArray(), config);
        if (conv is not null) decoderLayers = [.. decoderLayers, .. Hidden(config, config.DenseInput), .. ConvolutionalDecoder(config, conv)];
        encoder = nn.Sequential(encoderLayers);
        decoder = nn.Sequential(decoderLayers);
        encoderSteps = [.. encoderLayers.Select(TrainingStep)];
        encoderModules = [.. encoderLayers.Select(layer => (Func<Tensor, Tensor>)layer.forward)];
        decoderSteps = [.. decoderLayers.Select(TrainingStep)];
        if (logVariance is not null) logVarianceStep = TrainingStep(logVariance);
        RegisterComponents();
        EncoderPlan = LayerPlan.Of([("encoder", encoder)], config.InputSize);
        DecoderPlan = LayerPlan.Of([("decoder", decoder)], config.Latent);
        Plan = LayerPlan.Of([("encoder", encoder), ("decoder", decoder)], config.InputSize);
    }

    /// <summary>The layers of encoder then decoder, in the order they run (what training computes).</summary>
    public LayerPlan Plan { get; }

    /// <summary>The encoder's layers (what encoder.onnx computes).</summary>
    public LayerPlan EncoderPlan { get; }

    /// <summary>The decoder's layers, before the output sigmoid (what decoder.onnx computes).</summary>
    public LayerPlan DecoderPlan { get; }

    /// <summary>The architecture this model was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Input rows → codes.</summary>
    public Sequential Encoder => encoder;

    /// <summary>Codes → reconstruction logits (apply a sigmoid for probabilities).</summary>
    public Sequential Decoder => decoder;

    /// <summary>
    /// The encoder's then the decoder's layers in the order training runs them, each with the function training
    /// computes it by (a variational model's log-variance head aside).
    /// </summary>
    public IEnumerable<(nn.Module<Tensor, Tensor> Layer, Func<Tensor, Tensor> Step)> TrainingLayers =>
        encoder.children().Cast<nn.Module<Tensor, Tensor>>().Zip(encoderSteps)
            .Concat(decoder.children().Cast<nn.Module<Tensor, Tensor>>().Zip(decoderSteps));

    /// <summary>A variational model's log-variance head (null otherwise): it reads what the encoder's last layer reads.</summary>
    public Linear? LogVariance => logVariance;

    /// <summary>
    /// Input rows → reconstruction logits: <see cref="Decode"/> of <see cref="Encode"/> (a variational model
    /// decodes its posterior's mean).
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        using Tensor code = Encode(input);
        return Decode(code);
    }

    /// <summary>
    /// Input rows → codes. In evaluation mode that is the encoder's module, what export reads. In training mode
    /// the layers run one by one so that Linear layers go through <see cref="GemmLinear"/> and a transposed
    /// convolution to one channel through <see cref="NarrowTransposedConvolution"/>: the same function to float
    /// rounding, faster.
    /// </summary>
    public Tensor Encode(Tensor input) => training ? Run(encoderSteps, input) : encoder.forward(input);

    /// <summary>Codes → reconstruction logits, run as <see cref="Encode"/> runs the encoder.</summary>
    public Tensor Decode(Tensor code) => training ? Run(decoderSteps, code) : decoder.forward(code);

    /// <summary>A variational model's posterior for each input row: its mean (the code) and its log-variance.</summary>
    /// <exception cref="InvalidOperationException">The model is not variational.</exception>
    public (Tensor Mean, Tensor LogVariance) EncodeDistribution(Tensor input)
    {
        if (logVariance is null) throw new InvalidOperationException("expected a variational model (a log-variance head), found a plain autoencoder");
        Func<Tensor, Tensor>[] steps = training ? encoderSteps : encoderModules;
        using Tensor hidden = Run(steps[..^1], input);
        return (steps[^1](hidden), training ? logVarianceStep!(hidden) : logVariance.forward(hidden));
    }

    // Each layer's output feeds the next; intermediate results are freed as soon as the next layer has them.
    private static Tensor Run(Func<Tensor, Tensor>[] steps, Tensor input)
    {
        Tensor result = input;
        foreach (Func<Tensor, Tensor> step in steps)
        {
            Tensor next = step(result);
            if (!ReferenceEquals(result, input) && !ReferenceEquals(next, result)) result.Dispose();
            result = next;
        }
        return ReferenceEquals(result, input) ? input.alias() : result;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && gemm.IsValueCreated) gemm.Value.Dispose();
        base.Dispose(disposing);
    }

    private Func<Tensor, Tensor> TrainingStep(nn.Module<Tensor, Tensor> layer) => layer switch
    {
        Linear linear when GemmLinear.Supports(linear) => x => GemmLinear.Forward(linear, x, gemm.Value),
        ConvTranspose2d convolution when NarrowTransposedConvolution.Supports(convolution) => x => NarrowTransposedConvolution.Forward(convolution, x),
        _ => layer.forward,
    };

    /// <summary>Linear layers through <paramref name="widths"/>, each hidden one followed by <see cref="Hidden"/>; nothing after the last.</summary>
    private static List<nn.Module<Tensor, Tensor>> Stack(int[] widths, ModelConfig config)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            if (i > 0) layers.AddRange(Hidden(config, widths[i]));
            layers.Add(nn.Linear(widths[i], widths[i + 1]));
        }
        return layers;
    }

    /// <summary>What follows a hidden layer of <paramref name="width"/> values: batch norm, activation, dropout, each where configured.</summary>
    private static IEnumerable<nn.Module<Tensor, Tensor>> Hidden(ModelConfig config, long width)
    {
        if (config.BatchNorm) yield return nn.BatchNorm1d(width);
        if (config.Activation != Activation.Linear) yield return CreateActivation(config.Activation);
        if (config.Dropout > 0) yield return nn.Dropout(config.Dropout);
    }

    /// <summary>What follows a convolution of <paramref name="channels"/> channels: batch norm and activation, where configured.</summary>
    private static IEnumerable<nn.Module<Tensor, Tensor>> AfterConvolution(ModelConfig config, long channels)
    {
        if (config.BatchNorm) yield return nn.BatchNorm2d(channels);
        if (config.Activation != Activation.Linear) yield return CreateActivation(config.Activation);
    }

    /// <summary>Row → image, then each stride-2 convolution with its activation, then flat again for the dense layers.</summary>
    private static List<nn.Module<Tensor, Tensor>> ConvolutionalEncoder(ModelConfig config, ConvOptions conv)
    {
        List<nn.Module<Tensor, Tensor>> layers = [nn.Unflatten(1, [.. conv.Image!.Select(d => (long)d)])];
        long previous = conv.Image![0];
        foreach (int channels in conv.Channels)
        {
            layers.Add(nn.Conv2d(previous, channels, ConvOptions.Kernel, stride: ConvOptions.Stride, padding: ConvOptions.Kernel / 2));
            layers.AddRange(AfterConvolution(config, channels));
            previous = channels;
        }
        layers.Add(nn.Flatten());
        return layers;
    }

    /// <summary>The dense output → the last convolution's shape, transposed convolutions back to the image (logits), flat again.</summary>
    private static List<nn.Module<Tensor, Tensor>> ConvolutionalDecoder(ModelConfig config, ConvOptions conv)
    {
        IReadOnlyList<int> image = conv.Image!;
        List<nn.Module<Tensor, Tensor>> layers = [nn.Unflatten(1, [conv.Channels[^1], conv.Reduced(image[1]), conv.Reduced(image[2])])];
        for (int i = conv.Channels.Count - 1; i >= 0; i--)
        {
            long target = i > 0 ? conv.Channels[i - 1] : image[0];
            layers.Add(nn.ConvTranspose2d(conv.Channels[i], target, ConvOptions.Kernel, stride: ConvOptions.Stride,
                padding: ConvOptions.Kernel / 2, output_padding: ConvOptions.Stride - 1));
            if (i > 0) layers.AddRange(AfterConvolution(config, target));
        }
        layers.Add(nn.Flatten());
        return layers;
    }

    private static nn.Module<Tensor, Tensor> CreateActivation(Activation activation) => activation switch
    {
        Activation.Relu => nn.ReLU(),
        Activation.Tanh => nn.Tanh(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.LeakyRelu => nn.LeakyReLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "expected relu, leaky_relu, tanh or sigmoid"),
    };
}
