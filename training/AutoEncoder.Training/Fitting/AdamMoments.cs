using System.Runtime.InteropServices;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Adam's state for a flat vector of parameters, as <see cref="AdamUpdate"/> reads and writes it: the step
/// count (for bias correction) and both moment vectors. Checkpoints hold it as the step count, then each
/// moment as its length and its floats.
/// </summary>
internal sealed class AdamMoments(int size)
{
    /// <summary>Adam steps taken so far.</summary>
    public long Steps { get; set; }

    /// <summary>First moment (the gradients' running mean), one value per parameter.</summary>
    public float[] First { get; } = new float[size];

    /// <summary>Second moment (the squared gradients' running mean), one value per parameter.</summary>
    public float[] Second { get; } = new float[size];

    /// <summary>Writes the step count and both moments.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Steps);
        foreach (float[] moment in new[] { First, Second })
        {
            writer.Write((long)moment.Length);
            writer.Write(MemoryMarshal.AsBytes(moment.AsSpan()));
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The state is truncated, or is for a model of another size.</exception>
    public void Load(BinaryReader reader)
    {
        if (reader.BaseStream.Length - reader.BaseStream.Position < sizeof(long) * 3 + 2L * First.Length * sizeof(float))
            throw new InvalidDataException("optimizer state is truncated");
        long steps = reader.ReadInt64();
        if (steps < 0) throw new InvalidDataException($"optimizer state: expected a step count ≥ 0, found {steps}");
        foreach (float[] moment in new[] { First, Second })
        {
            long count = reader.ReadInt64();
            if (count != moment.Length)
                throw new InvalidDataException($"optimizer state holds {count} values, the model has {moment.Length} parameters");
            byte[] bytes = reader.ReadBytes(moment.Length * sizeof(float));
            if (bytes.Length != moment.Length * sizeof(float)) throw new InvalidDataException("optimizer state is truncated");
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(moment);
        }
        Steps = steps;
    }
}
