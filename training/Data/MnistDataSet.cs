namespace AutoEncoder.Training.Data;

/// <summary>MNIST as loaded from disk, with the SHA-256 of each source file for provenance.</summary>
/// <param name="Train">The 60,000 training images (fewer for a subset).</param>
/// <param name="Test">The 10,000 test images (fewer for a subset).</param>
/// <param name="Checksums">Source file name → lower-case hex SHA-256.</param>
internal sealed record MnistDataSet(MnistSplit Train, MnistSplit Test, IReadOnlyDictionary<string, string> Checksums);
