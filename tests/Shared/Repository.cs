namespace AutoEncoder.Tests.Support;

/// <summary>Paths inside the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>The folder holding AutoEncoder.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Where <c>make data</c> puts MNIST.</summary>
    public static string MnistFolder => Path.Combine(Root, "data", "mnist");

    /// <summary>Where the build puts the training app (<c>autoencoder.dll</c> and its native libraries).</summary>
    public static string TrainingAppFolder => Path.Combine(Root, "training", "AutoEncoder.Training", "bin", "Release", "net10.0");

    /// <summary>The committed seed-preset models.</summary>
    public static string ModelsFolder => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AutoEncoder.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no AutoEncoder.sln above {AppContext.BaseDirectory}");
    }
}
