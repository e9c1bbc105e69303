namespace AutoEncoder.Training.Fitting;

/// <summary>
/// UMAP's low-dimensional similarity 1 / (1 + a·d^(2b)), with a and b fitted, as umap-learn's find_ab_params
/// does, by least squares to the curve that is 1 below min_dist and exp(−(d − min_dist)/spread) beyond it,
/// sampled at 300 points in [0, 3·spread]. Solved here by Levenberg–Marquardt on (a, b).
/// </summary>
internal static class SimilarityCurve
{
    /// <summary>The (a, b) that fit <paramref name="minDist"/> with <paramref name="spread"/> (1 in UMAP's default).</summary>
    public static (double A, double B) Fit(double minDist, double spread = 1)
    {
        const int points = 300;
        var x = new double[points];
        var y = new double[points];
        for (int i = 0; i < points; i++)
        {
            x[i] = 3 * spread * i / (points - 1);
            y[i] = x[i] < minDist ? 1 : Math.Exp(-(x[i] - minDist) / spread);
        }

        double a = 1, b = 1, lambda = 1e-3;
        double cost = Cost(x, y, a, b);
        for (int iteration = 0; iteration < 500; iteration++)
        {
            // Normal equations of the Gauss–Newton step, damped (Levenberg–Marquardt).
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 1; i < points; i++) // x = 0 has zero derivative in both parameters
            {
                double power = Math.Pow(x[i], 2 * b), denominator = 1 + a * power;
                double f = 1 / denominator, residual = f - y[i];
                double da = -power / (denominator * denominator);
                double db = -a * power * 2 * Math.Log(x[i]) / (denominator * denominator);
                jaa += da * da; jab += da * db; jbb += db * db;
                ga += da * residual; gb += db * residual;
            }
            double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda), determinant = maa * mbb - jab * jab;
            double stepA = -(mbb * ga - jab * gb) / determinant, stepB = -(maa * gb - jab * ga) / determinant;
            double next = Cost(x, y, a + stepA, b + stepB);
            if (next < cost)
            {
                bool converged = cost - next < 1e-15;
                (a, b, cost, lambda) = (a + stepA, b + stepB, next, lambda / 10);
                if (converged) break;
            }
            else lambda *= 10;
        }
        return (a, b);
    }

    private static double Cost(double[] x, double[] y, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double residual = 1 / (1 + a * Math.Pow(x[i], 2 * b)) - y[i];
            sum += residual * residual;
        }
        return sum;
    }
}
