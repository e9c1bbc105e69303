using AutoEncoder.Training.Artifacts;

namespace AutoEncoder.Training.Cli;

/// <summary>The <c>--data</c> of a command that reads a trained model's data: as given, else as the model's manifest records it.</summary>
internal static class TrainedData
{
    /// <summary>The default when neither the command line nor a manifest names the data.</summary>
    public const string Mnist = "data/mnist";

    /// <summary>The description of such a <c>--data</c> option.</summary>
    public const string Description = "The data the models were trained on (default: where their manifest says they were, else data/mnist)";

    /// <summary><paramref name="given"/>, else the path <paramref name="models"/>' manifest records, else <see cref="Mnist"/>.</summary>
    /// <exception cref="InvalidDataException">The manifest is malformed.</exception>
    public static string PathFor(string? given, string models) => given ?? Manifest.DataPathOf(models) ?? Mnist;
}
