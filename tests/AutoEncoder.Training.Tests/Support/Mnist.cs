using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>The real MNIST data set, loaded once for the whole test run (<c>make test</c> fetches it).</summary>
internal static class Mnist
{
    private static readonly Lazy<DataSet> Loaded = new(() =>
    {
        if (!Directory.Exists(Repository.MnistFolder))
            throw new InvalidOperationException($"MNIST is missing from {Repository.MnistFolder}: run 'make data'");
        return IdxFolderReader.Read(Repository.MnistFolder);
    });

    /// <summary>The full data set.</summary>
    public static DataSet DataSet => Loaded.Value;

    /// <summary>The data set with only its first <paramref name="count"/> test images.</summary>
    public static DataSet WithTestRows(int count) => DataSet with { Test = DataSet.Test.Take(count) };

    /// <summary>The first <paramref name="count"/> test images, scaled to [0, 1].</summary>
    public static float[] TestPixels(int count) => DataSet.Test.Take(count).Rows;
}
