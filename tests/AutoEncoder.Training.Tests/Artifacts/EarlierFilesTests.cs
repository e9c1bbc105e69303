using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Artifacts;
using Xunit;

namespace AutoEncoder.Training.Tests.Artifacts;

/// <summary>
/// Files written before the records said each thing once (Earlier/: the seed model's manifest and
/// checkpoint as committed on 2026-12-02, with <c>epochs</c>, <c>batch_size</c>, the final losses and an
/// <c>evaluation</c> at the manifest's top, and <c>data_options</c>, <c>umap_settings</c>, <c>loss_kind</c>
/// and <c>trains_decoder</c> in its configuration) still load, with the same values.
/// </summary>
public sealed class EarlierFilesTests
{
    private static string Earlier(string file) => Path.Combine(Repository.Root, "tests", "AutoEncoder.Training.Tests", "Artifacts", "Earlier", file);

    [Fact]
    public void An_earlier_manifest_loads_with_its_values()
    {
        Manifest manifest = Manifest.Load(Earlier("manifest.json"));

        Assert.Equal(("seed", 5, 32), (manifest.Config.Preset, manifest.Config.Epochs, manifest.Config.BatchSize));
        Assert.Equal(5, manifest.History.Count);
        Assert.Equal(0.2342091475791672, manifest.FinalTrainLoss);
        Assert.Equal(0.23251510560512542, manifest.TestLoss);
    }

    [Fact]
    public void An_earlier_checkpoint_loads_with_its_state()
    {
        (CheckpointState state, var model, byte[] optimizer) = Checkpoint.Load(Earlier("checkpoint.bin"));
        using (model)
        {
            Assert.Equal(("seed", 5), (state.Config.Preset, state.CompletedEpochs));
            Assert.True(state.IsComplete);
            Assert.NotEmpty(optimizer);
        }
    }
}
