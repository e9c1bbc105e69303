namespace AutoEncoder.Tests.Support;

/// <summary>
/// A bounded, seeded mutation fuzzer: mutants of a valid input go through a reader, which may accept them
/// or throw one of its documented exceptions, and must do nothing else (no other exception, no crash, no hang).
/// </summary>
internal static class Mutations
{
    /// <summary>How long one target may take before it counts as a hang.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Feeds <paramref name="count"/> mutants of <paramref name="valid"/> (seeded by <paramref name="seed"/>)
    /// to <paramref name="read"/>; returns how many it accepted. Fails naming the mutant on any exception
    /// that is not one of <paramref name="documented"/>, and when the whole run exceeds <see cref="Budget"/>.
    /// </summary>
    public static int Run(byte[] valid, int count, int seed, Action<byte[]> read, params Type[] documented)
    {
        int accepted = 0, current = -1;
        var run = Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            for (current = 0; current < count; current++)
            {
                byte[] mutant = Mutate(valid, random);
                try
                {
                    read(mutant);
                    accepted++;
                }
                catch (Exception e) when (documented.Contains(e.GetType()))
                {
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException(
                        $"mutant {current} (seed {seed}) threw {e.GetType().Name}, expected one of {string.Join(", ", documented.Select(t => t.Name))}: {e.Message}", e);
                }
            }
        }, TaskCreationOptions.LongRunning);
        try
        {
            if (!run.Wait(Budget))
                throw new Xunit.Sdk.XunitException($"mutant {current} (seed {seed}) did not finish within {Budget.TotalSeconds} s: a hang");
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
        return accepted;
    }

    /// <summary>One to four random edits: bit flips, byte overwrites with edge values, truncation, deletion, duplication.</summary>
    public static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes[at] = new byte[] { 0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE }[random.Next(6)];
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 17), bytes.Count - at));
                    break;
                default:
                    int length = Math.Min(random.Next(1, 17), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }
        return [.. bytes];
    }
}
