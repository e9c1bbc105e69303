using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>The hand-written step must compute what autograd and TorchSharp's Adam compute.</summary>
public sealed class FusedTrainingStepTests
{
    private static AutoEncoderModel Model(string activation)
    {
        torch.manual_seed(11);
        return new AutoEncoderModel(new ModelConfig(784, [64, 32], 3, Enum.Parse<Activation>(activation, ignoreCase: true)));
    }

    private static Tensor Batch(int rows, int offset = 0) =>
        tensor(Mnist.DataSet.Train.Take(offset + rows).Rows[(offset * 784)..], [rows, 784]);

    private static float[] AutogradGradients(AutoEncoderModel model, Tensor batch)
    {
        model.zero_grad();
        using Tensor loss = nn.functional.binary_cross_entropy_with_logits(model.forward(batch), batch);
        loss.backward();
        return model.parameters().SelectMany(p => p.grad!.data<float>().ToArray()).ToArray();
    }

    // With two threads the batch is split into two shards whose gradients are summed.
    [Theory]
    [InlineData("linear", 1)]
    [InlineData("relu", 1)]
    [InlineData("tanh", 1)]
    [InlineData("sigmoid", 1)]
    [InlineData("relu", 2)]
    [InlineData("sigmoid", 2)]
    public void Gradients_equal_autograd(string activation, int threads)
    {
        using AutoEncoderModel model = Model(activation);
        using Tensor batch = Batch(48);
        using var step = new FusedTrainingStep(model, maxBatchSize: 64, threads);

        float[] expected = AutogradGradients(model, batch);
        using (NewDisposeScope()) step.ComputeGradients(batch);

        // Gradients are float32 sums over 48 rows of products, added in another order than autograd's:
        // agreement to ~1e-4 of the value, plus 1e-8 absolute for entries near zero.
        Close.Assert(expected, step.GradientsInModuleOrder(), atol: 1e-8, rtol: 1e-4);
    }

    // 31 rows over two shards: one gets 16, the other 15.
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Loss_is_mean_bce_with_logits_of_the_model(int threads)
    {
        using AutoEncoderModel model = Model("relu");
        using Tensor batch = Batch(31);
        using var step = new FusedTrainingStep(model, maxBatchSize: 32, threads);
        using var noGrad = no_grad();
        using Tensor expected = nn.functional.binary_cross_entropy_with_logits(model.forward(batch), batch);

        // The managed pass sums in float64, libtorch's mean in float32: they agree to a few float ulps of ~0.7
        // (one ulp is 6e-8). On an AVX2 host without AVX-512 the pass uses .NET's exp and log and libtorch other
        // kernels; measured 2.6e-7 there (2026-12-02), so 5e-7, about eight ulps.
        using (NewDisposeScope())
            Assert.Equal(expected.item<float>(), step.ComputeGradients(batch), tolerance: 5e-7);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Twenty_steps_track_torchsharps_adam(int threads)
    {
        using AutoEncoderModel reference = Model("tanh");
        using AutoEncoderModel fused = Model("tanh");
        using var adam = optim.Adam(reference.parameters(), 1e-3);
        using var step = new FusedTrainingStep(fused, maxBatchSize: 32, threads);

        for (int i = 0; i < 20; i++)
        {
            using var scope = NewDisposeScope();
            Tensor batch = Batch(32, offset: 32 * i);
            adam.zero_grad();
            nn.functional.binary_cross_entropy_with_logits(reference.forward(batch), batch).backward();
            adam.step();
            step.ComputeGradients(batch);
            step.ApplyAdam(1e-3);
        }
        step.CopyToModel();

        // Each Adam step moves a weight by at most ~lr = 1e-3; after 20 steps the two float32
        // implementations agree far inside one step's size.
        Close.Assert(TrainingRuns.Weights(reference), TrainingRuns.Weights(fused), atol: 1e-6);
    }

    [Fact]
    public void A_batch_of_one_row_over_two_shards_leaves_the_empty_shard_out()
    {
        using AutoEncoderModel model = Model("relu");
        using Tensor wide = Batch(2);
        using var step = new FusedTrainingStep(model, maxBatchSize: 2, threads: 2);
        using (NewDisposeScope()) step.ComputeGradients(wide);
        using Tensor one = Batch(1);
        float[] expected = AutogradGradients(model, one);

        using (NewDisposeScope()) step.ComputeGradients(one);

        // The second shard's gradients from the two-row batch must not leak into the one-row batch.
        Close.Assert(expected, step.GradientsInModuleOrder(), atol: 1e-8, rtol: 1e-4);
    }
}
