namespace AutoEncoder.Training.Data;

/// <summary>
/// Feature columns whose names say they are something else: a class (<c>label</c>, <c>class</c>, <c>target</c>,
/// <c>y</c>) or a row's name (<c>id</c>). Trained on as features they leak the answer into the codes or add
/// noise, and nothing else would tell the user.
/// </summary>
internal static class SuspectColumns
{
    static readonly string[] LabelNames = ["label", "labels", "class", "target", "y"];
    static readonly string[] IdNames = ["id", "key", "name"];

    /// <summary>One warning per feature column of <paramref name="data"/> that looks like a label or an id column, naming the flag to give.</summary>
    public static IEnumerable<string> Warnings(DataSet data)
    {
        foreach (string column in data.FeatureNames)
        {
            string name = column.Trim();
            if (LabelNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                yield return $"warning: column '{column}' is trained on as a feature; if it holds classes, give --label-column {column}";
            else if (IdNames.Contains(name, StringComparer.OrdinalIgnoreCase))
                yield return $"warning: column '{column}' is trained on as a feature; if it names the rows, give --id-column {column}";
        }
    }
}
