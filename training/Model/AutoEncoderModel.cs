using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Model;

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

    /// <summary>Builds the layers; initial weights come from TorchSharp's global generator.</summary>
    public AutoEncoderModel(ModelConfig config) : base(nameof(AutoEncoderModel))
    {
        Config = config.Validate();
        int[] widths = [config.InputSize, .. config.Hidden, config.Latent];
        encoder = Stack(widths, config.Activation);
        decoder = Stack(widths.Reverse().ToArray(), config.Activation);
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

    /// <summary>Input rows → reconstruction logits.</summary>
    public override Tensor forward(Tensor input)
    {
        using Tensor code = encoder.forward(input);
        return decoder.forward(code);
    }

    /// <summary>Linear layers through <paramref name="widths"/>, activations between them but not after the last.</summary>
    private static Sequential Stack(int[] widths, Activation activation)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i + 1 < widths.Length; i++)
        {
            if (i > 0 && activation != Activation.Linear) layers.Add(CreateActivation(activation));
            layers.Add(nn.Linear(widths[i], widths[i + 1]));
        }
        return nn.Sequential(layers);
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
