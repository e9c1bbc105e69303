using System.Globalization;
using Sylvan.Data.Csv;

namespace AutoEncoder.Training.Data;

/// <summary>
/// Reads numeric CSV and TSV files through Sylvan.Data.Csv (quoting, delimiters and line endings are its
/// job): every cell of a feature column must be a finite number, every row as wide as the first.
/// </summary>
internal static class CsvTableReader
{
    /// <summary>Reads <paramref name="path"/> as <paramref name="options"/> describe (header, label and id columns, feature columns).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, a ragged row, a non-numeric or non-finite cell, or lacks a named column.</exception>
    public static CsvTable Read(string path, DataOptions options)
    {
        string file = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        // Sylvan's buffer grows to hold one record: wide tables (14,000 columns make lines of 64 K characters
        // and more) are legitimate, so up to 64 Mi characters; beyond that it is an unterminated quote or no CSV.
        var settings = new CsvDataReaderOptions { HasHeaders = false, MaxBufferSize = MaxRecordChars };
        // The tab of a .tsv is certain; for anything else Sylvan detects , ; | or tab from the first row.
        if (Path.GetExtension(path).Equals(".tsv", StringComparison.OrdinalIgnoreCase)) settings.Delimiter = '\t';
        long line = 0; // the row last read, counted from 1 as editors do
        using CsvDataReader reader = Guarded(() => CsvDataReader.Create(path, settings));
        if (!Next()) throw new InvalidDataException($"{file}: expected a header or data rows, found an empty file");

        int fields = reader.RowFieldCount;
        string[] first = [.. Enumerable.Range(0, fields).Select(reader.GetString)];
        bool header = options.Header switch
        {
            HeaderMode.Yes => true,
            HeaderMode.No => false,
            // A column named by text can only be found in a header; otherwise a header is a first row with a non-number.
            _ => new[] { options.LabelColumn, options.IdColumn }.Any(c => c is not null && !IsIndex(c)) ||
                 options.Columns?.Any(c => !IsIndex(c)) == true || first.Any(cell => !IsNumber(cell)),
        };
        string[] names = header ? first : [.. Enumerable.Range(0, fields).Select(i => i.ToString(CultureInfo.InvariantCulture))];

        int label = options.LabelColumn is { } labelName ? Column(labelName, names, header, file, "label column") : -1;
        int id = options.IdColumn is { } idName ? Column(idName, names, header, file, "id column") : -1;
        if (label >= 0 && label == id) throw new InvalidDataException($"{file}: column '{names[label]}' is both the label column and the id column");
        int[] features = options.Columns is { Count: > 0 } picked
            ? [.. picked.Select(c => Column(c, names, header, file, "feature column"))]
            : [.. Enumerable.Range(0, fields).Where(i => i != label && i != id)];
        if (features.Length == 0) throw new InvalidDataException($"{file}: expected at least one feature column, found none besides the label and id columns");
        foreach ((int column, string role) in new[] { (label, "label"), (id, "id") })
            if (column >= 0 && features.Contains(column))
                throw new InvalidDataException($"{file}: column '{names[column]}' is both the {role} column and a feature column");

        var rows = new GrowingBuffer(features.Length);
        List<string>? labels = label >= 0 ? [] : null, ids = id >= 0 ? [] : null;
        if (!header) ReadRow(line);
        while (Next())
        {
            if (reader.RowFieldCount != fields)
                throw new InvalidDataException($"{file}: row {line} has {reader.RowFieldCount} fields, expected {fields} as in row 1");
            ReadRow(line);
        }
        if (rows.Count == 0) throw new InvalidDataException($"{file}: expected data rows after the header, found none");
        return new CsvTable(rows.ToArray(), labels?.ToArray(), [.. features.Select(f => names[f])], ids?.ToArray());

        bool Next()
        {
            line++;
            return Guarded(reader.Read);
        }

        T Guarded<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (CsvRecordTooLargeException)
            {
                throw new InvalidDataException(
                    $"{file}: row {Math.Max(line, 1)}: expected a record of at most {MaxRecordChars / (1 << 20)} Mi characters, found a longer one (an unterminated quote?)");
            }
        }

        void ReadRow(long at)
        {
            Span<float> values = rows.Append();
            for (int f = 0; f < features.Length; f++)
            {
                ReadOnlySpan<char> cell = reader.GetFieldSpan(features[f]).Trim();
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                {
                    // 1e308 is a finite number, only not a float32 one: say which.
                    bool number = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double wide);
                    bool beyondFloat32 = number && double.IsFinite(wide);
                    throw new InvalidDataException(
                        $"{file}: row {at}, column '{names[features[f]]}' ({features[f] + 1}): expected a " +
                        (beyondFloat32 ? "number within float32's range (±3.4e38)" : "finite number") +
                        $", found {(cell.IsEmpty ? "an empty cell" : $"'{cell}'")}" +
                        // Text in a feature column is most often a name or a class that was not declared as such.
                        (cell.IsEmpty || number ? "" : $" (a column of names needs --id-column {names[features[f]]}, one of classes --label-column {names[features[f]]})"));
                }
                values[f] = value;
            }
            if (labels is not null) labels.Add(Text(label, "a label", at));
            if (ids is not null) ids.Add(Text(id, "an id", at));
        }

        string Text(int column, string expected, long at)
        {
            string text = reader.GetFieldSpan(column).Trim().ToString();
            return text.Length > 0 ? text
                : throw new InvalidDataException($"{file}: row {at}, column '{names[column]}' ({column + 1}): expected {expected}, found an empty cell");
        }
    }

    const int MaxRecordChars = 64 << 20;

    static bool IsIndex(string column) => int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    static bool IsNumber(string cell) => double.TryParse(cell.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    static int Column(string column, string[] names, bool header, string file, string role)
    {
        int index = Array.IndexOf(names, column);
        if (index < 0 && !header && int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < names.Length) index = i;
        return index >= 0
            ? index
            : throw new InvalidDataException($"{file}: expected a {role} '{column}', found columns [{string.Join(", ", names)}]");
    }
}
