using AutoEncoder.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Training;

/// <summary>
/// One training step of an <see cref="AutoEncoderModel"/> (linear layers with activations between)
/// in as few tensor operations as the maths allows, because for small models the cost of a step is
/// the number of operations, not their arithmetic:
/// <list type="bullet">
/// <item>forward is one <c>addmm</c> per layer (plus its activation) into the layer's own buffers;</item>
/// <item>the gradients of BCE-with-logits are written by hand straight into one flat gradient buffer
/// (<c>addmm_</c>/<c>addmv_</c> with β = 0), with no autograd graph;</item>
/// <item>Adam runs once over one flat parameter buffer: seven operations whatever the layer count,
/// with PyTorch's update rule (lerp of the first moment, bias-corrected denominator).</item>
/// </list>
/// The model's own parameters are copies, refreshed by <see cref="CopyToModel"/>.
/// </summary>
internal sealed class FusedTrainingStep : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Tensor parameters, gradients, firstMoment, secondMoment, lerpWeight, ones;
    private readonly Layer[] layers;
    private readonly Activation activation;
    private readonly Scalar beta2 = Beta2, oneMinusBeta2 = 1 - Beta2, epsilon = Epsilon;

    /// <summary>Takes the model's current weights as the starting point.</summary>
    public FusedTrainingStep(AutoEncoderModel model, int maxBatchSize)
    {
        activation = model.Config.Activation;
        Linear[] linears = [.. model.Encoder.children().OfType<Linear>(), .. model.Decoder.children().OfType<Linear>()];
        int encoderLayers = model.Encoder.children().OfType<Linear>().Count();
        long size = linears.Sum(l => l.weight!.numel() + l.bias!.numel());

        parameters = zeros(size);
        gradients = zeros(size);
        firstMoment = zeros(size);
        secondMoment = zeros(size);
        lerpWeight = tensor(1 - Beta1);
        ones = torch.ones(maxBatchSize);

        layers = new Layer[linears.Length];
        long offset = 0;
        for (int i = 0; i < linears.Length; i++)
        {
            long output = linears[i].out_features, input = linears[i].in_features;
            Tensor weight = parameters.narrow(0, offset, output * input).view(output, input);
            Tensor weightGradient = gradients.narrow(0, offset, output * input).view(output, input);
            offset += output * input;
            Tensor bias = parameters.narrow(0, offset, output);
            Tensor biasGradient = gradients.narrow(0, offset, output);
            offset += output;
            // No activation on the code layer nor on the logits.
            bool activated = activation != Activation.Linear && i != encoderLayers - 1 && i != linears.Length - 1;
            layers[i] = new Layer(linears[i], weight, weight.t(), bias, weightGradient, biasGradient, activated);
        }
        CopyFromModel();
    }

    /// <summary>Adam steps taken so far (the bias-correction counter).</summary>
    public long Steps { get; private set; }

    /// <summary>
    /// Computes the gradients of mean BCE-with-logits for reconstructing <paramref name="batch"/>, then one
    /// Adam update with learning rate <paramref name="rate"/>. Returns the batch's loss as a 0-d tensor.
    /// </summary>
    public Tensor Step(Tensor batch, double rate)
    {
        Tensor loss = ComputeGradients(batch);
        ApplyAdam(rate);
        return loss;
    }

    /// <summary>Writes d(mean BCE)/d(parameters) into the flat gradient buffer; returns the loss.</summary>
    internal Tensor ComputeGradients(Tensor batch)
    {
        long rows = batch.shape[0];
        var outputs = new Tensor[layers.Length + 1];
        outputs[0] = batch;
        for (int i = 0; i < layers.Length; i++)
        {
            Tensor z = layers[i].Bias.addmm(outputs[i], layers[i].WeightT);
            outputs[i + 1] = layers[i].Activated ? Activate(z) : z;
        }
        Tensor logits = outputs[^1];
        Tensor loss = nn.functional.binary_cross_entropy_with_logits(logits, batch);

        // d(mean BCE)/d(logits) = (sigmoid(logits) − target) / (rows·width); the scale is applied as the
        // alpha of each gradient product, so the error tensors themselves stay unscaled.
        float scale = 1f / (rows * logits.shape[1]);
        Tensor error = logits.sigmoid().sub_(batch);
        Tensor batchOnes = ones.narrow(0, 0, rows);
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            Layer layer = layers[i];
            Tensor errorT = error.t();
            layer.WeightGradient.addmm_(errorT, outputs[i], beta: 0, alpha: scale);
            layer.BiasGradient.addmv_(errorT, batchOnes, beta: 0, alpha: scale);
            if (i == 0) break;
            error = error.mm(layer.Weight);
            if (layers[i - 1].Activated) error = ActivationBackward(error, outputs[i]);
        }
        return loss;
    }

    /// <summary>One Adam update of the flat parameters from the flat gradients (PyTorch's rule, no weight decay).</summary>
    internal void ApplyAdam(double rate)
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        firstMoment.lerp_(gradients, lerpWeight);
        secondMoment.mul_(beta2).addcmul_(gradients, gradients, oneMinusBeta2);
        using Tensor denominator = secondMoment.sqrt();
        denominator.div_(Math.Sqrt(correction2)).add_(epsilon);
        parameters.addcdiv_(firstMoment, denominator, -rate / correction1);
    }

    /// <summary>The flat gradient buffer as last computed (for tests).</summary>
    internal Tensor Gradients => gradients;

    /// <summary>Copies the trained weights into the model's parameters.</summary>
    public void CopyToModel()
    {
        using var noGrad = no_grad();
        foreach (Layer layer in layers)
        {
            layer.Module.weight!.copy_(layer.Weight);
            layer.Module.bias!.copy_(layer.Bias);
        }
    }

    /// <summary>Writes Adam's state: step count and both moment vectors.</summary>
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(Steps);
        foreach (Tensor moment in new[] { firstMoment, secondMoment })
        {
            writer.Write(moment.numel());
            foreach (float value in moment.data<float>()) writer.Write(value);
        }
    }

    /// <summary>Restores Adam's state written by <see cref="SaveState"/>.</summary>
    /// <exception cref="InvalidDataException">The state is for a model of another size.</exception>
    public void LoadState(BinaryReader reader)
    {
        Steps = reader.ReadInt64();
        foreach (Tensor moment in new[] { firstMoment, secondMoment })
        {
            long count = reader.ReadInt64();
            if (count != moment.numel())
                throw new InvalidDataException($"optimizer state holds {count} values, the model has {moment.numel()} parameters");
            var values = new float[count];
            for (long i = 0; i < count; i++) values[i] = reader.ReadSingle();
            using Tensor loaded = tensor(values);
            moment.copy_(loaded);
        }
    }

    private void CopyFromModel()
    {
        using var noGrad = no_grad();
        foreach (Layer layer in layers)
        {
            layer.Weight.copy_(layer.Module.weight!);
            layer.Bias.copy_(layer.Module.bias!);
        }
    }

    private Tensor Activate(Tensor z) => activation switch
    {
        Activation.Relu => z.relu_(),
        Activation.Tanh => z.tanh_(),
        _ => z.sigmoid_(),
    };

    /// <summary>error ⊙ f′, with f′ written in terms of the activation's output y.</summary>
    private Tensor ActivationBackward(Tensor error, Tensor y)
    {
        switch (activation)
        {
            case Activation.Relu: // f′ = [y > 0]
                return error.masked_fill_(y.le(0), 0);
            case Activation.Tanh: // f′ = 1 − y²: error − (error·y)·y
                return error.addcmul_(error * y, y, -1);
            default: // sigmoid, f′ = y(1 − y): (error·y) − (error·y)·y
                Tensor scaled = error * y;
                return scaled.addcmul_(scaled, y, -1);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (Tensor t in new[] { parameters, gradients, firstMoment, secondMoment, lerpWeight, ones }) t.Dispose();
        foreach (Scalar s in new[] { beta2, oneMinusBeta2, epsilon }) s.Dispose();
    }

    /// <summary>A linear layer's views into the flat buffers.</summary>
    private sealed record Layer(Linear Module, Tensor Weight, Tensor WeightT, Tensor Bias, Tensor WeightGradient, Tensor BiasGradient, bool Activated);
}
