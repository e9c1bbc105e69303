using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Preprocessing;

/// <summary>Which training rows a configuration trains on, and which it holds out to calibrate an anomaly threshold.</summary>
internal static class TrainingRows
{
    /// <summary>Share of the normal class's rows held out for calibration.</summary>
    public const double CalibrationFraction = 0.1;

    /// <summary>
    /// The first <see cref="TrainingConfig.Subset"/> rows (all without one); with a
    /// <see cref="TrainingConfig.NormalClass"/>, only that label's rows, of which a seeded
    /// <see cref="CalibrationFraction"/> is held out as <c>Calibration</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The normal class has too few rows to train on and calibrate with.</exception>
    /// <exception cref="InvalidOperationException">A normal class is set and the rows are unlabelled.</exception>
    public static (DataSplit Train, DataSplit? Calibration) Select(DataSplit all, TrainingConfig config)
    {
        DataSplit rows = config.Subset is { } subset ? all.Take(subset) : all;
        if (config.NormalClass is not { } normal) return (rows, null);

        int[] labels = rows.RequireLabels("--normal-class");
        int[] indices = [.. Enumerable.Range(0, rows.Count).Where(i => labels[i] == normal)];
        if (indices.Length < 100)
            throw new ArgumentException(
                $"--normal-class: expected at least 100 training rows labelled {normal}, found {indices.Length}");
        int held = (int)Math.Round(indices.Length * CalibrationFraction);
        // Seeded apart from the per-epoch shuffles, so that the same rows are held out on every run and resume.
        new Random(unchecked((int)(config.Seed * 7919 + normal))).Shuffle(indices);
        int[] train = indices[held..], calibration = indices[..held];
        Array.Sort(train);
        Array.Sort(calibration);
        return (rows.Pick(train), rows.Pick(calibration));
    }

    /// <summary>
    /// A seeded <paramref name="fraction"/> of <paramref name="rows"/> held out (validation) and the rest, each in
    /// the rows' order; <paramref name="flag"/> names the option that asked, for the error.
    /// </summary>
    /// <exception cref="ArgumentException">Too few rows to hold out at least one and keep at least one.</exception>
    public static (DataSplit Kept, DataSplit HeldOut) HoldOut(DataSplit rows, double fraction, long seed, string flag)
    {
        int held = (int)Math.Round(rows.Count * fraction);
        if (held < 1 || held >= rows.Count)
            throw new ArgumentException($"{flag}: expected enough training rows to hold out {fraction:P0} for validation, found {rows.Count}");
        int[] order = [.. Enumerable.Range(0, rows.Count)];
        // Seeded apart from the per-epoch shuffles and the calibration share.
        new Random(unchecked((int)(seed * 104_729 + 17))).Shuffle(order);
        int[] rest = order[held..], heldOut = order[..held];
        Array.Sort(rest);
        Array.Sort(heldOut);
        return (rows.Pick(rest), rows.Pick(heldOut));
    }
}
