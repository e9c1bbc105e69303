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
/// <item>batches are gathered into managed memory that a tensor shares (<c>frombuffer</c>), so no
/// shuffled copy of the data set is made;</item>
/// <item>forward is one <c>addmm</c> per layer (plus its activation); the logits land in shared
/// memory, where <see cref="LogitLoss"/> computes loss and output error in one vectorised pass;</item>
/// <item>the gradients are written by hand straight into one flat gradient buffer
/// (<c>addmm_</c>/<c>addmv_</c> with β = 0), with no autograd graph; each weight is stored with its longer
/// dimension contiguous, because libtorch's matrix products with a two-wide contiguous operand are
/// several times slower than the same products on a transposed view;</item>
/// <item>Adam (<see cref="AdamUpdate"/>) runs as one vectorised pass over the flat parameter and
/// gradient buffers, which tensors share with managed memory, whatever the layer count.</item>
/// </list>
/// The model's own parameters are copies, refreshed by <see cref="CopyToModel"/>.
/// </summary>
internal sealed class FusedTrainingStep : IDisposable
{
    private readonly SharedBuffer parameterBuffer, gradientBuffer;
    private readonly Tensor parameters, gradients, ones;
    private readonly float[] firstMoment, secondMoment;
    private readonly Layer[] layers;
    private readonly Activation activation;
    private readonly int width;
    private readonly bool parallel;
    // Managed buffers shared with tensors: the batch, the logits, and d(loss)/d(logits).
    private readonly SharedBuffer batch, logits, errors;

    /// <summary>Takes the model's current weights as the starting point.</summary>
    public FusedTrainingStep(AutoEncoderModel model, int maxBatchSize)
    {
        activation = model.Config.Activation;
        width = model.Config.InputSize;
        parallel = get_num_threads() > 1;
        batch = new SharedBuffer(maxBatchSize, width);
        logits = new SharedBuffer(maxBatchSize, width);
        errors = new SharedBuffer(maxBatchSize, width);
        Linear[] linears = [.. model.Encoder.children().OfType<Linear>(), .. model.Decoder.children().OfType<Linear>()];
        int encoderLayers = model.Encoder.children().OfType<Linear>().Count();
        long size = linears.Sum(l => l.weight!.numel() + l.bias!.numel());

        parameterBuffer = new SharedBuffer(1, (int)size);
        gradientBuffer = new SharedBuffer(1, (int)size);
        parameters = parameterBuffer.Tensor.view(size);
        gradients = gradientBuffer.Tensor.view(size);
        firstMoment = new float[size];
        secondMoment = new float[size];
        ones = torch.ones(maxBatchSize);

        layers = new Layer[linears.Length];
        long offset = 0;
        for (int i = 0; i < linears.Length; i++)
        {
            long output = linears[i].out_features, input = linears[i].in_features;
            // Stored [out, in] when out ≤ in, else as its transpose [in, out]: the longer side contiguous.
            bool transposed = output > input;
            Tensor storage = parameters.narrow(0, offset, output * input).view(transposed ? [input, output] : [output, input]);
            Tensor gradientStorage = gradients.narrow(0, offset, output * input).view(transposed ? [input, output] : [output, input]);
            offset += output * input;
            Tensor bias = parameters.narrow(0, offset, output);
            Tensor biasGradient = gradients.narrow(0, offset, output);
            offset += output;
            // No activation on the code layer nor on the logits.
            bool activated = activation != Activation.Linear && i != encoderLayers - 1 && i != linears.Length - 1;
            Tensor weight = transposed ? storage.t() : storage;
            layers[i] = new Layer(linears[i], weight, weight.t(), bias, gradientStorage, transposed, biasGradient, activated);
        }
        CopyFromModel();
    }

    // Adam steps taken so far (the bias-correction counter).
    private long steps;

    /// <summary>
    /// Trains on rows <paramref name="order"/>[start .. start + rows) of <paramref name="data"/> (row-major,
    /// one row per image): gradients of mean BCE-with-logits, then one Adam update with learning rate
    /// <paramref name="rate"/>. Returns the batch's mean loss. Call inside a dispose scope.
    /// </summary>
    public double Step(float[] data, long[] order, int start, int rows, double rate)
    {
        for (int r = 0; r < rows; r++)
            Array.Copy(data, order[start + r] * width, batch.Array, batch.Offset + (long)r * width, width);
        double loss = ComputeGradients(rows);
        ApplyAdam(rate);
        return loss;
    }

    /// <summary>As <see cref="ComputeGradients(int)"/> for a batch held elsewhere (copied into the shared buffer).</summary>
    internal double ComputeGradients(Tensor rows)
    {
        batch.Tensor.narrow(0, 0, rows.shape[0]).copy_(rows);
        return ComputeGradients((int)rows.shape[0]);
    }

    /// <summary>
    /// Writes d(mean BCE)/d(parameters) for reconstructing the first <paramref name="rows"/> rows of the batch
    /// buffer into the flat gradient buffer and returns the batch's mean loss. Call inside a dispose scope.
    /// </summary>
    private double ComputeGradients(int rows)
    {
        var outputs = new Tensor[layers.Length + 1];
        outputs[0] = batch.Tensor.narrow(0, 0, rows);
        for (int i = 0; i < layers.Length - 1; i++)
        {
            Tensor z = layers[i].Bias.addmm(outputs[i], layers[i].WeightT);
            outputs[i + 1] = layers[i].Activated ? Activate(z) : z;
        }
        outputs[^1] = logits.Tensor.narrow(0, 0, rows).copy_(layers[^1].Bias).addmm_(outputs[^2], layers[^1].WeightT);

        int count = rows * width;
        double loss = LogitLoss.Compute(logits, batch, errors, count, parallel) / count;

        // d(mean BCE)/d(logits) = (σ(logits) − target) / (rows·width); the scale is applied as the alpha
        // of each gradient product, so the error tensors themselves stay unscaled.
        float scale = 1f / count;
        Tensor error = errors.Tensor.narrow(0, 0, rows);
        Tensor batchOnes = ones.narrow(0, 0, rows);
        for (int i = layers.Length - 1; i >= 0; i--)
        {
            Layer layer = layers[i];
            if (layer.Transposed) layer.WeightGradient.addmm_(outputs[i].t(), error, beta: 0, alpha: scale);
            else layer.WeightGradient.addmm_(error.t(), outputs[i], beta: 0, alpha: scale);
            layer.BiasGradient.addmv_(error.t(), batchOnes, beta: 0, alpha: scale);
            if (i == 0) break;
            error = error.mm(layer.Weight);
            if (layers[i - 1].Activated) error = ActivationBackward(error, outputs[i]);
        }
        return loss;
    }

    /// <summary>One Adam update of the flat parameters from the flat gradients (PyTorch's rule, no weight decay).</summary>
    internal void ApplyAdam(double rate)
    {
        steps++;
        int size = firstMoment.Length;
        AdamUpdate.Apply(parameterBuffer.Array.AsSpan(parameterBuffer.Offset, size), gradientBuffer.Array.AsSpan(gradientBuffer.Offset, size),
            firstMoment, secondMoment, steps, rate, parallel);
    }

    /// <summary>The last gradients in the modules' order and layout (each weight [out, in], then its bias), for tests.</summary>
    internal float[] GradientsInModuleOrder() =>
        layers.SelectMany(layer => (layer.Transposed ? layer.WeightGradient.t() : layer.WeightGradient).contiguous().data<float>().ToArray()
            .Concat(layer.BiasGradient.data<float>().ToArray())).ToArray();

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
        writer.Write(steps);
        foreach (float[] moment in new[] { firstMoment, secondMoment })
        {
            writer.Write((long)moment.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(moment.AsSpan()));
        }
    }

    /// <summary>Restores Adam's state written by <see cref="SaveState"/>.</summary>
    /// <exception cref="InvalidDataException">The state is for a model of another size.</exception>
    public void LoadState(BinaryReader reader)
    {
        steps = reader.ReadInt64();
        foreach (float[] moment in new[] { firstMoment, secondMoment })
        {
            long count = reader.ReadInt64();
            if (count != moment.Length)
                throw new InvalidDataException($"optimizer state holds {count} values, the model has {moment.Length} parameters");
            byte[] bytes = reader.ReadBytes(moment.Length * sizeof(float));
            if (bytes.Length != moment.Length * sizeof(float)) throw new InvalidDataException("optimizer state is truncated");
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).CopyTo(moment);
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
        foreach (Tensor t in new[] { parameters, gradients, ones }) t.Dispose();
        foreach (SharedBuffer buffer in new[] { batch, logits, errors, parameterBuffer, gradientBuffer }) buffer.Dispose();
    }

    /// <summary>
    /// A linear layer's views into the flat buffers. <see cref="Weight"/> is the logical [out, in] matrix;
    /// <see cref="WeightGradient"/> is laid out as the storage ([in, out] when <see cref="Transposed"/>).
    /// </summary>
    private sealed record Layer(Linear Module, Tensor Weight, Tensor WeightT, Tensor Bias, Tensor WeightGradient, bool Transposed,
        Tensor BiasGradient, bool Activated);
}
