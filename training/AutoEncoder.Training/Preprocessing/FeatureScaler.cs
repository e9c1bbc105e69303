using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Preprocessing;

/// <summary>
/// A per-feature affine map, <c>scaled = (raw − Offset) · Scale</c>, fitted on the training rows. Training
/// computes exactly this in float32, and the exported encoder and full model begin with the same two
/// operations (Sub, Mul), so a consumer feeds raw rows and gets the codes training computed.
/// </summary>
/// <param name="Rule">The rule it was fitted by.</param>
/// <param name="Offset">Subtracted from each feature.</param>
/// <param name="Scale">Multiplies each centred feature.</param>
internal sealed record FeatureScaler(ScalingRule Rule, float[] Offset, float[] Scale)
{
    /// <summary>Whether the map leaves every value as it is.</summary>
    public bool IsIdentity => Offset.All(o => o == 0) && Scale.All(s => s == 1);

    /// <summary>Fits <paramref name="rule"/> to <paramref name="train"/>. A constant column keeps scale 1 (no division by zero).</summary>
    public static FeatureScaler Fit(ScalingRule rule, DataSplit train)
    {
        int width = train.Width, rows = train.Count;
        var offset = new float[width];
        var scale = new float[width];
        Array.Fill(scale, 1f);
        switch (rule.Kind)
        {
            case "divide":
                Array.Fill(scale, (float)(1 / rule.Divisor));
                break;
            case "minmax":
            {
                double[] min = Fill(width, double.PositiveInfinity), max = Fill(width, double.NegativeInfinity);
                for (int r = 0; r < rows; r++)
                    for (int f = 0; f < width; f++)
                    {
                        float value = train.Rows[(long)r * width + f];
                        if (value < min[f]) min[f] = value;
                        if (value > max[f]) max[f] = value;
                    }
                for (int f = 0; f < width; f++)
                {
                    offset[f] = (float)min[f];
                    if (max[f] > min[f]) scale[f] = (float)(1 / (max[f] - min[f]));
                }
                break;
            }
            case "standard":
            {
                double[] sum = new double[width], squares = new double[width];
                for (int r = 0; r < rows; r++)
                    for (int f = 0; f < width; f++) sum[f] += train.Rows[(long)r * width + f];
                for (int f = 0; f < width; f++) offset[f] = (float)(sum[f] / rows);
                for (int r = 0; r < rows; r++)
                    for (int f = 0; f < width; f++)
                    {
                        double centred = train.Rows[(long)r * width + f] - (double)offset[f];
                        squares[f] += centred * centred;
                    }
                for (int f = 0; f < width; f++)
                {
                    // Population standard deviation, as scikit-learn's StandardScaler; a column that is
                    // constant up to float rounding keeps scale 1.
                    double deviation = Math.Sqrt(squares[f] / rows);
                    if (deviation > 1e-6 * Math.Max(1, Math.Abs(offset[f]))) scale[f] = (float)(1 / deviation);
                }
                break;
            }
        }
        return new FeatureScaler(rule, offset, scale);
    }

    /// <summary>The rows of <paramref name="split"/> mapped into the training space (a new split; the input is unchanged).</summary>
    public DataSplit Apply(DataSplit split)
    {
        if (IsIdentity) return split;
        var scaled = new float[split.Rows.Length];
        int width = split.Width;
        for (long i = 0; i < scaled.Length; i++)
        {
            int f = (int)(i % width);
            scaled[i] = (split.Rows[i] - Offset[f]) * Scale[f];
        }
        return split with { Rows = scaled };
    }

    /// <summary>
    /// Where the first scaled value outside [0, 1] is, or null when all lie inside (BCE needs targets in
    /// [0, 1]). The bounds allow 1e-6 for float rounding: minmax scaling maps a column's largest value to
    /// (max − min) · (1 / (max − min)), which can round to just above 1.
    /// </summary>
    public static (int Row, int Column, float Value)? OutsideUnitInterval(DataSplit scaled)
    {
        for (long i = 0; i < scaled.Rows.Length; i++)
            if (scaled.Rows[i] is < -1e-6f or > 1 + 1e-6f) return ((int)(i / scaled.Width), (int)(i % scaled.Width), scaled.Rows[i]);
        return null;
    }

    private static double[] Fill(int width, double value)
    {
        var values = new double[width];
        Array.Fill(values, value);
        return values;
    }
}
