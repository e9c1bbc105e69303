using AutoEncoder.Training.Preprocessing;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Network;

/// <summary>
/// A <see cref="FeatureScaler"/> as a module, <c>(x − offset) · scale</c> in float32, so that the exporter
/// writes it at the head of a graph (Sub, Mul) and the parity gate checks raw rows in against it.
/// </summary>
internal sealed class ScalingModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Wraps <paramref name="scaler"/>'s vectors as constant tensors.</summary>
    public ScalingModule(FeatureScaler scaler) : base(nameof(ScalingModule))
    {
        Scaler = scaler;
        Offset = tensor(scaler.Offset);
        Scale = tensor(scaler.Scale);
    }

    /// <summary>The map this module computes.</summary>
    public FeatureScaler Scaler { get; }

    /// <summary>Subtracted from each feature.</summary>
    public Tensor Offset { get; }

    /// <summary>Multiplies each centred feature.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using Tensor centred = input - Offset;
        return centred * Scale;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Offset.Dispose();
            Scale.Dispose();
        }
        base.Dispose(disposing);
    }
}
