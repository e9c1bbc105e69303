using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class CsvTableReaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string Write(string name, params string[] lines)
    {
        string path = folder.File(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    private static CsvTable Read(string path, DataOptions? options = null) => CsvTableReader.Read(path, options ?? new DataOptions());

    [Fact]
    public void Detects_a_header_and_keeps_the_label_column_out_of_the_features()
    {
        string path = Write("a.csv", "x,kind,y", "1.5,cat,2", "-3e2,dog,4");

        CsvTable table = Read(path, new DataOptions(LabelColumn: "kind"));

        Assert.Equal(["x", "y"], table.FeatureNames);
        Assert.Equal([1.5f, 2f, -300f, 4f], table.Rows);
        Assert.Equal(["cat", "dog"], table.Labels!);
    }

    [Fact]
    public void Keeps_the_id_column_out_of_the_features_as_the_rows_names()
    {
        string path = Write("a.csv", "sku,x,kind", "A-1,1,cat", "B-2,2,dog");

        CsvTable table = Read(path, new DataOptions(LabelColumn: "kind", IdColumn: "sku"));

        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal([1f, 2f], table.Rows);
        Assert.Equal(["A-1", "B-2"], table.Ids!);
    }

    [Fact]
    public void Names_the_row_of_an_empty_id()
    {
        string path = Write("a.csv", "sku,x", "A-1,1", ",2");

        var error = Assert.Throws<InvalidDataException>(() => Read(path, new DataOptions(IdColumn: "sku")));

        Assert.Equal("a.csv: row 3, column 'sku' (1): expected an id, found an empty cell", error.Message);
    }

    [Fact]
    public void Refuses_one_column_as_both_label_and_id()
    {
        string path = Write("a.csv", "sku,x", "A-1,1");

        var error = Assert.Throws<InvalidDataException>(() => Read(path, new DataOptions(LabelColumn: "sku", IdColumn: "sku")));

        Assert.Equal("a.csv: column 'sku' is both the label column and the id column", error.Message);
    }

    [Fact]
    public void Reads_a_file_without_a_header()
    {
        CsvTable table = Read(Write("a.csv", "1,2", "3,4"));

        Assert.Equal(["0", "1"], table.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4f], table.Rows);
    }

    [Fact]
    public void Reads_tabs_and_quoted_cells()
    {
        CsvTable table = Read(Write("a.tsv", "a\tb", "\"1.5\"\t2"));

        Assert.Equal([1.5f, 2f], table.Rows);
    }

    [Fact]
    public void Picks_feature_columns_by_name()
    {
        CsvTable table = Read(Write("a.csv", "a,b,c", "1,2,3"), new DataOptions(Columns: ["c", "a"]));

        Assert.Equal([3f, 1f], table.Rows);
    }

    [Fact]
    public void Names_the_row_of_a_ragged_line()
    {
        string path = Write("a.csv", "a,b", "1,2", "3");

        var error = Assert.Throws<InvalidDataException>(() => Read(path));

        Assert.Equal("a.csv: row 3 has 1 fields, expected 2 as in row 1", error.Message);
    }

    [Theory]
    [InlineData("x", "'x' (a column of names needs --id-column b, one of classes --label-column b)")]
    [InlineData("", "an empty cell")]
    [InlineData("NaN", "'NaN'")]
    [InlineData("Infinity", "'Infinity'")]
    public void Names_row_and_column_of_a_cell_that_is_not_a_finite_number(string cell, string found)
    {
        string path = Write("a.csv", "a,b", "1,2", $"3,{cell}");

        var error = Assert.Throws<InvalidDataException>(() => Read(path, new DataOptions(Header: HeaderMode.Yes)));

        Assert.Equal($"a.csv: row 3, column 'b' (2): expected a finite number, found {found}", error.Message);
    }

    [Fact]
    public void Names_a_finite_number_beyond_float32_as_such()
    {
        string path = Write("a.csv", "a,b", "1,2", "3,1e308");

        var error = Assert.Throws<InvalidDataException>(() => Read(path, new DataOptions(Header: HeaderMode.Yes)));

        Assert.Equal("a.csv: row 3, column 'b' (2): expected a number within float32's range (±3.4e38), found '1e308'", error.Message);
    }

    [Fact]
    public void Reads_a_table_of_14000_columns()
    {
        // 14,000 columns of "0.5" make lines of 56,000 characters and more: past Sylvan's default 64 K buffer once the header is added.
        string[] header = [.. Enumerable.Range(0, 14_000).Select(i => $"feature{i}")];
        string row = string.Join(",", Enumerable.Repeat("0.5", 14_000));
        string path = Write("wide.csv", string.Join(",", header), row, row);

        CsvTable table = Read(path);

        Assert.Equal(2 * 14_000, table.Rows.Length);
        Assert.Equal(14_000, table.FeatureNames.Count);
    }

    [Fact]
    public void Names_the_row_of_an_unterminated_quote_in_one_line()
    {
        string path = folder.File("a.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.WriteLine("a,b");
            writer.WriteLine("1,2");
            writer.Write("3,\"");
            // An unterminated quote runs to the end of the file: past the 64 Mi-character record limit.
            var chunk = new string('x', 1 << 20);
            for (int i = 0; i < 65; i++) writer.Write(chunk);
        }

        var error = Assert.Throws<InvalidDataException>(() => Read(path));

        Assert.Equal("a.csv: row 3: expected a record of at most 64 Mi characters, found a longer one (an unterminated quote?)", error.Message);
    }

    [Fact]
    public void Refuses_an_empty_file()
    {
        string path = folder.File("a.csv");
        File.WriteAllText(path, "");

        var error = Assert.Throws<InvalidDataException>(() => Read(path));

        Assert.Equal("a.csv: expected a header or data rows, found an empty file", error.Message);
    }

    [Fact]
    public void Refuses_a_header_without_rows()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Write("a.csv", "a,b")));

        Assert.Equal("a.csv: expected data rows after the header, found none", error.Message);
    }

    [Fact]
    public void Names_a_missing_label_column_and_the_columns_found()
    {
        var error = Assert.Throws<InvalidDataException>(() => Read(Write("a.csv", "a,b", "1,2"), new DataOptions(LabelColumn: "kind")));

        Assert.Equal("a.csv: expected a label column 'kind', found columns [a, b]", error.Message);
    }

    [Fact]
    public void Maps_text_labels_to_classes_in_ordinal_order_and_integers_to_themselves()
    {
        (IReadOnlyList<string> classes, int[]? train, int[]? test) = DataSource.ClassIndices(["dog", "cat"], ["eel"]);
        (IReadOnlyList<string> numbered, int[]? digits, _) = DataSource.ClassIndices(["3", "0"], null);

        Assert.Equal(["cat", "dog", "eel"], classes);
        Assert.Equal([1, 0], train!);
        Assert.Equal([2], test!);
        Assert.Equal(["0", "1", "2", "3"], numbered);
        Assert.Equal([3, 0], digits!);
    }
}
