namespace AutoEncoder.Training.Clustering;

/// <summary>
/// How well clusters match known labels, as the deep-clustering literature reports it (DEC, IDEC, N2D) and as
/// scikit-learn computes it: accuracy under the best one-to-one map of clusters to labels, normalised mutual
/// information (arithmetic mean of the entropies, scikit-learn's default) and the adjusted Rand index.
/// </summary>
internal static class ClusterMetrics
{
    /// <summary>The three figures for one set of rows.</summary>
    public sealed record Scores(double Accuracy, double Nmi, double Ari);

    /// <summary>Accuracy, NMI and ARI of <paramref name="clusters"/> against <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length, are empty, or hold a negative value.</exception>
    public static Scores Compute(int[] clusters, int[] labels)
    {
        long[,] table = Contingency(clusters, labels);
        return new Scores(Accuracy(table, clusters.Length), Nmi(table, clusters.Length), Ari(table, clusters.Length));
    }

    /// <summary>
    /// Counts of rows per (cluster, label), at least <paramref name="clusterCount"/> × <paramref name="labelCount"/>
    /// (a cluster or label no row has is a row or column of zeros), else as large as the values found.
    /// </summary>
    public static long[,] Contingency(int[] clusters, int[] labels, int? clusterCount = null, int? labelCount = null)
    {
        if (clusters.Length != labels.Length)
            throw new ArgumentException($"expected one label per assigned row, found {labels.Length} labels for {clusters.Length} rows");
        if (clusters.Length == 0) throw new ArgumentException("expected at least one row, found none");
        if (clusters.Min() < 0 || labels.Min() < 0)
            throw new ArgumentException("expected clusters and labels ≥ 0, found a negative one");
        int rows = Math.Max(clusterCount ?? 0, clusters.Max() + 1), columns = Math.Max(labelCount ?? 0, labels.Max() + 1);
        var table = new long[rows, columns];
        for (int i = 0; i < clusters.Length; i++) table[clusters[i], labels[i]]++;
        return table;
    }

    /// <summary>The share of rows whose cluster maps to their label under the best one-to-one map (Hungarian).</summary>
    public static double Accuracy(long[,] table, long rows)
    {
        int size = Math.Max(table.GetLength(0), table.GetLength(1));
        var cost = new double[size, size];
        for (int c = 0; c < table.GetLength(0); c++)
            for (int l = 0; l < table.GetLength(1); l++) cost[c, l] = -table[c, l];
        int[] map = Hungarian.Minimize(cost);
        long matched = 0;
        for (int c = 0; c < table.GetLength(0); c++)
            if (map[c] < table.GetLength(1)) matched += table[c, map[c]];
        return (double)matched / rows;
    }

    /// <summary>I(U; V) / mean(H(U), H(V)); 1 when both sides are one group, 0 when one side is.</summary>
    public static double Nmi(long[,] table, long rows)
    {
        (long[] a, long[] b) = Margins(table);
        double hu = Entropy(a, rows), hv = Entropy(b, rows);
        if (a.Count(n => n > 0) <= 1 && b.Count(n => n > 0) <= 1) return 1;
        double information = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
                if (table[i, j] > 0)
                    information += (double)table[i, j] / rows * Math.Log((double)table[i, j] * rows / ((double)a[i] * b[j]));
        double mean = (hu + hv) / 2;
        return mean <= 0 ? 0 : Math.Max(information, 0) / mean;
    }

    /// <summary>The Rand index adjusted for chance (Hubert &amp; Arabie 1985); 1 for identical partitions.</summary>
    public static double Ari(long[,] table, long rows)
    {
        (long[] a, long[] b) = Margins(table);
        double index = 0, sumA = a.Sum(Pairs), sumB = b.Sum(Pairs);
        foreach (long n in table) index += Pairs(n);
        double expected = sumA * sumB / Pairs(rows), maximum = (sumA + sumB) / 2;
        // Both partitions all singletons or all one group: scikit-learn calls that a perfect match.
        return maximum == expected ? 1 : (index - expected) / (maximum - expected);
    }

    private static double Pairs(long n) => n * (n - 1) / 2.0;

    private static double Entropy(long[] counts, long rows) =>
        -counts.Where(n => n > 0).Sum(n => (double)n / rows * Math.Log((double)n / rows));

    private static (long[] Rows, long[] Columns) Margins(long[,] table)
    {
        var a = new long[table.GetLength(0)];
        var b = new long[table.GetLength(1)];
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
            {
                a[i] += table[i, j];
                b[j] += table[i, j];
            }
        return (a, b);
    }
}
