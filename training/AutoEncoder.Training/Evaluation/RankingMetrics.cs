namespace AutoEncoder.Training.Evaluation;

/// <summary>How well scores rank positives (anomalies) above negatives, as scikit-learn defines the two measures.</summary>
internal static class RankingMetrics
{
    /// <summary>
    /// Area under the ROC curve: the probability that a random positive scores above a random negative,
    /// ties counting one half (the Mann–Whitney statistic, with average ranks for tied scores).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or one class is absent.</exception>
    public static double Auroc(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        (int positives, int negatives) = Count(scores, positive);
        int[] order = [.. Enumerable.Range(0, scores.Count).OrderBy(i => scores[i])];
        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]]) end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start + 1 … end share their mean
            for (int k = start; k < end; k++)
                if (positive[order[k]]) positiveRankSum += averageRank;
            start = end;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision: Σ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds from the highest down, where
    /// Pₙ and Rₙ are precision and recall of flagging every row scoring at least the n-th threshold.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or one class is absent.</exception>
    public static double AveragePrecision(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        (int positives, _) = Count(scores, positive);
        double precisionSum = 0;
        int previousTruePositives = 0;
        foreach ((int flagged, int truePositives) in Flagged(scores, positive))
        {
            precisionSum += (truePositives - previousTruePositives) * ((double)truePositives / flagged);
            previousTruePositives = truePositives;
        }
        return precisionSum / positives;
    }

    /// <summary>The ROC curve: false- and true-positive rates at each distinct score, from the highest down, starting at (0, 0).</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) RocCurve(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        (int positives, int negatives) = Count(scores, positive);
        List<double> fpr = [0], tpr = [0];
        foreach ((int flagged, int truePositives) in Flagged(scores, positive))
        {
            fpr.Add((double)(flagged - truePositives) / negatives);
            tpr.Add((double)truePositives / positives);
        }
        return ([.. fpr], [.. tpr]);
    }

    /// <summary>Precision and recall of flagging the rows that score above <paramref name="threshold"/>.</summary>
    public static (double Precision, double Recall) AtThreshold(IReadOnlyList<float> scores, IReadOnlyList<bool> positive, double threshold)
    {
        (int positives, _) = Count(scores, positive);
        int flagged = 0, truePositives = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (scores[i] <= threshold) continue;
            flagged++;
            if (positive[i]) truePositives++;
        }
        return (flagged == 0 ? 0 : (double)truePositives / flagged, (double)truePositives / positives);
    }

    /// <summary>
    /// Lowering the threshold through each distinct score, highest first: how many rows are then flagged,
    /// and how many of those are positives. Tied scores enter together.
    /// </summary>
    private static IEnumerable<(int Flagged, int TruePositives)> Flagged(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        int[] order = [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i])];
        int truePositives = 0;
        for (int start = 0, end = 0; start < order.Length; start = end)
        {
            while (end < order.Length && scores[order[end]] == scores[order[start]])
                if (positive[order[end++]]) truePositives++;
            yield return (end, truePositives);
        }
    }

    private static (int Positives, int Negatives) Count(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        if (scores.Count != positive.Count)
            throw new ArgumentException($"expected one label per score, found {scores.Count} scores and {positive.Count} labels");
        int positives = positive.Count(p => p);
        if (positives == 0 || positives == positive.Count)
            throw new ArgumentException($"expected both positives and negatives, found {positives} positives among {positive.Count} rows");
        return (positives, positive.Count - positives);
    }
}
