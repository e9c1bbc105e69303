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
        int[] order = [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i])];
        double precisionSum = 0;
        int flagged = 0, truePositives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start, newPositives = 0;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
                if (positive[order[end++]]) newPositives++;
            flagged += end - start;
            truePositives += newPositives;
            precisionSum += newPositives * ((double)truePositives / flagged);
            start = end;
        }
        return precisionSum / positives;
    }

    /// <summary>The ROC curve: false- and true-positive rates at each distinct score, from the highest down, starting at (0, 0).</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) RocCurve(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        (int positives, int negatives) = Count(scores, positive);
        int[] order = [.. Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i])];
        List<double> fpr = [0], tpr = [0];
        int truePositives = 0, falsePositives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
                if (positive[order[end++]]) truePositives++; else falsePositives++;
            fpr.Add((double)falsePositives / negatives);
            tpr.Add((double)truePositives / positives);
            start = end;
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
