using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

/// <summary>
/// Bounded mutation fuzzing (fixed seeds, 10,000 mutants per target): every mutant of a valid file is
/// either read or refused with <see cref="InvalidDataException"/>, the one exception the readers document.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class ReaderFuzzTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void Idx_files_raw_and_gzipped_are_read_or_refused_as_invalid(bool gzip, int seed)
    {
        byte[] valid = DataFiles.Idx([12, 28, 28], DataFiles.Images(12));
        if (gzip) valid = DataFiles.Gzip(valid);
        string path = folder.File("images");

        Mutations.Run(valid, 5_000, seed, mutant =>
        {
            File.WriteAllBytes(path, mutant);
            IdxReader.Read(path, 3);
        }, typeof(InvalidDataException));
    }

    [Fact]
    public void Npy_arrays_are_read_or_refused_as_invalid()
    {
        byte[] valid = DataFiles.Npy([12, 28, 28], DataFiles.Images(12));

        int accepted = Mutations.Run(valid, 10_000, seed: 3, mutant => NpyReader.Parse(mutant, "x.npy").ToFeatures(), typeof(InvalidDataException));

        // Edits inside the pixel data leave a valid array: the fuzzer reaches past the header.
        Assert.InRange(accepted, 1, 9_999);
    }
}
