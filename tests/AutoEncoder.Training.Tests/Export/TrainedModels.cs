using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Network;
using AutoEncoder.Training.Tests.Support;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>
/// Three architectures, each trained for one real epoch on 5,000 MNIST images and exported once for the
/// test class: the linear seed model and two with hidden non-linear layers.
/// </summary>
public sealed class TrainedModels : IDisposable
{
    /// <summary>Test images used for parity checks at export time.</summary>
    public const int ParityRows = 1000;

    private readonly Dictionary<string, (Trainer Trainer, ModelExport.Result Export)> models = [];

    /// <summary>Trains and exports every architecture.</summary>
    public TrainedModels()
    {
        foreach ((string name, ModelConfig config) in Architectures)
        {
            Trainer trainer = TrainingRuns.Run(TrainingRuns.Config(config), trainImages: 5000, testImages: 500);
            ModelExport.Result export = TrainingRuns.Export(trainer, ParityRows);
            models[name] = (trainer, export);
        }
    }

    /// <summary>Names and architectures of the trained models.</summary>
    internal static IReadOnlyList<(string Name, ModelConfig Config)> Architectures { get; } =
    [
        ("seed", TrainingConfig.SeedPreset.Model),
        ("relu", new ModelConfig(784, [128, 64], 2, Activation.Relu)),
        ("tanh", new ModelConfig(784, [64], 3, Activation.Tanh)),
    ];

    /// <summary>The trained TorchSharp model called <paramref name="name"/>.</summary>
    internal AutoEncoderModel Model(string name) => models[name].Trainer.Model;

    /// <summary>The trainer that produced model <paramref name="name"/>.</summary>
    internal Trainer Trainer(string name) => models[name].Trainer;

    /// <summary>Its training state (configuration, history, checksums).</summary>
    internal CheckpointState State(string name) => models[name].Trainer.State;

    /// <summary>Its exported ONNX bytes for <paramref name="role"/>.</summary>
    internal byte[] Onnx(string name, ModelRole role) => models[name].Export.Files[role];

    /// <summary>Its export, with parity figures.</summary>
    internal ModelExport.Result Export(string name) => models[name].Export;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach ((Trainer trainer, _) in models.Values) trainer.Dispose();
    }
}
