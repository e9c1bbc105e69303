using AutoEncoder.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// The general training step: the model's own forward, libtorch's autograd and TorchSharp's Adam. It
/// trains any network the layer plan holds; <see cref="FusedTrainingStep"/> is the faster path for the
/// chains of Linear layers it supports, and tests pin the two to each other.
/// </summary>
internal sealed class AutogradTrainingStep : ITrainingStep
{
    private readonly AutoEncoderModel model;
    private readonly Adam adam;
    private readonly SharedBuffer batch;
    private readonly int width;
    private readonly ReconstructionLoss loss;

    /// <summary>Trains <paramref name="model"/>'s parameters in place, on batches of up to <paramref name="maxBatchSize"/> rows, minimising <paramref name="loss"/>.</summary>
    public AutogradTrainingStep(AutoEncoderModel model, int maxBatchSize, ReconstructionLoss loss = ReconstructionLoss.Bce)
    {
        this.model = model;
        this.loss = loss;
        width = (int)model.Plan.InputWidth;
        adam = optim.Adam(model.parameters());
        batch = new SharedBuffer(maxBatchSize, width);
    }

    /// <inheritdoc />
    public double Step(float[] data, long[] order, int start, int rows, double rate)
    {
        using var scope = NewDisposeScope();
        for (int r = 0; r < rows; r++)
            Array.Copy(data, order[start + r] * width, batch.Array, batch.Offset + (long)r * width, width);
        Tensor input = batch.Tensor.narrow(0, 0, rows);

        model.train();
        adam.zero_grad();
        Tensor value = Loss(model.forward(input), input, loss);
        value.backward();
        foreach (optim.ILearningRateController group in adam.ParamGroups) group.LearningRate = rate;
        adam.step();
        return value.item<float>();
    }

    /// <summary>The mean per-feature loss of the model's raw output against <paramref name="target"/>: BCE with logits, or MSE of a linear output.</summary>
    public static Tensor Loss(Tensor output, Tensor target, ReconstructionLoss loss) => loss == ReconstructionLoss.Bce
        ? nn.functional.binary_cross_entropy_with_logits(output, target)
        : nn.functional.mse_loss(output, target);

    /// <inheritdoc />
    public void CopyToModel()
    {
        // The model's parameters are the ones trained.
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => adam.save_state_dict(writer);

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => OptimizerState.Load(adam, reader);

    /// <inheritdoc />
    public void Dispose()
    {
        adam.Dispose();
        batch.Dispose();
    }
}
