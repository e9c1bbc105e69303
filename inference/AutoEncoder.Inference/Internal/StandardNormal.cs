namespace AutoEncoder.Inference.Internal;

/// <summary>Seeded standard normal draws, the same on every platform and .NET version.</summary>
internal static class StandardNormal
{
    /// <summary>
    /// Fills <paramref name="values"/> with N(0, 1) draws by the Box–Muller transform of <see cref="Random"/>'s
    /// uniform draws: a seeded <see cref="Random"/> keeps one algorithm across .NET versions, so a seed names its rows.
    /// </summary>
    public static void Fill(Span<float> values, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i += 2)
        {
            // 1 − u lies in (0, 1]: its logarithm is finite.
            double radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), angle = 2 * Math.PI * random.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length) values[i + 1] = (float)(radius * Math.Sin(angle));
        }
    }
}
