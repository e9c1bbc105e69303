using System.CommandLine;
using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Inference.Images;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.IO;
using AutoEncoder.Training.Plots;
using AutoEncoder.Training.Storage;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder search</c>: the nearest indexed items to test rows or CSV rows, through an index from <c>index</c>.</summary>
internal static class SearchCommand
{
    static readonly Option<string?> IndexFile = new("--index") { Description = "An index written by `autoencoder index`; this or --postgres is required" };
    static readonly Option<string?> Postgres = new("--postgres") { Description = "Search the PostgreSQL table `index --postgres` wrote instead, e.g. \"Host=localhost;Database=codes\"" };
    static readonly Option<string> Table = new("--table") { Description = "With --postgres: the table to search", DefaultValueFactory = _ => "codes" };
    static readonly Option<string> Models = new("--models") { Description = "Folder holding the encoder.onnx the index was built with", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data") { Description = "The indexed data: the source of --row queries and of the neighbours' labels (default: the data the models' manifest records, else data/mnist)" };
    static readonly Option<int?> Row = new Option<int?>("--row") { Description = "Query with the Nth test row of --data (0-based)" }.AtLeast(0);
    static readonly Option<string?> Csv = new("--csv") { Description = "Query with every row of this CSV file (values only, as many as the encoder takes)" };
    static readonly Option<string?> Image = new("--image") { Description = "Query with a PNG or JPEG, prepared as MNIST's digits were made (AutoEncoder.Inference.Images)" };
    static readonly Option<int?> K = new Option<int?>("--neighbors", "-k") { Description = "Neighbours per query (default 10)" }.AtLeast(1);
    static readonly Option<int?> Probes = new Option<int?>("--probes") { Description = "For a partitioned index: partitions to scan (default: as saved; all of them is exact search)" }.AtLeast(1);
    static readonly Option<bool> AsJson = new("--json") { Description = "Print one JSON object instead of tables" };
    static readonly Option<string?> PlotFile = new("--plot") { Description = "Also draw each query (left) beside its nearest indexed images, as this PNG (image data only)" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("search", "Print the k nearest indexed rows (id, key when the data name their rows, distance, label) to a test row (--row), each row of a CSV file (--csv) or an image (--image)")
        {
            IndexFile, Postgres, Table, Models, Data, Row, Csv, Image, K, Probes, AsJson, PlotFile,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        (int? row, string? csv, int k) = (result.GetValue(Row), result.GetValue(Csv), result.GetValue(K) ?? 10);
        (string? indexPath, string? postgres) = (result.GetValue(IndexFile), result.GetValue(Postgres));
        if (indexPath is null == postgres is null)
            throw new ArgumentException("expected one index: --index FILE or --postgres CONNECTION, found " + (indexPath is null ? "neither" : "both"));
        string? image = result.GetValue(Image);
        int given = (row is null ? 0 : 1) + (csv is null ? 0 : 1) + (image is null ? 0 : 1);
        if (given != 1) throw new ArgumentException("expected one query: --row N, --csv FILE or --image FILE, found " + (given == 0 ? "none" : "several"));
        if (k > EmbeddingIndex.MaxK) throw new ArgumentException($"--neighbors: expected 1 to {EmbeddingIndex.MaxK}, found {k}");

        string models = result.GetValue(Models)!, dataPath = TrainedData.PathFor(result.GetValue(Data), models);
        using Encoder encoder = Encoder.Load(Path.Combine(models, ModelRole.Encoder.FileName()));
        DataSet data = DataSource.Load(dataPath, Manifest.DataOptionsOf(models), seed: 0);
        Func<float[], Match[]> search = indexPath is not null
            ? FromFile(EmbeddingIndex.Load(indexPath, encoder), indexPath, result.GetValue(Probes), k, data.Train)
            : FromPostgres(postgres!, result.GetValue(Table)!, encoder, k, result.GetValue(Probes));

        DataSplit queries = csv is not null ? DataSource.ReadRows(csv, new DataOptions(Format: DataFormat.Csv))
            : image is not null ? ImageRow(encoder, image)
            : OneTestRow(data.Test, row!.Value, dataPath);
        if (queries.Width != encoder.InputSize)
            throw new InvalidDataException($"{csv ?? dataPath}: expected rows of {encoder.InputSize} values as {models}/encoder.onnx takes, found {queries.Width}");

        var found = new List<Query>();
        for (int q = 0; q < queries.Count; q++)
            found.Add(new Query(row ?? q, queries.Labels?[q], search(queries.Rows[(q * queries.Width)..((q + 1) * queries.Width)])));

        if (result.GetValue(PlotFile) is { } plot) Draw(plot, queries, found, data, dataPath);
        if (result.GetValue(AsJson))
        {
            Console.WriteLine(JsonSerializer.Serialize(new { queries = found }, Json.Compact));
            return CommandRunner.Success;
        }
        foreach (Query query in found)
        {
            AnsiConsole.WriteLine(csv is not null ? $"{csv} row {query.Row}:" : image is not null ? $"{image}:"
                : $"test row {query.Row}{(query.Label is { } l ? $", label {ClassName(data, l)}" : "")}:");
            bool keyed = query.Neighbors.Any(match => match.Key is not null);
            var table = new Table().AddColumns(keyed ? ["rank", "id", "key", "distance", "label"] : ["rank", "id", "distance", "label"]);
            for (int i = 0; i < query.Neighbors.Length; i++)
            {
                Match match = query.Neighbors[i];
                string[] cells = [$"{i + 1}", $"{match.Id}", Markup.Escape(match.Key ?? "–"), $"{match.Distance:G6}",
                    match.Label is { } label ? Markup.Escape(ClassName(data, label)) : "–"];
                table.AddRow(keyed ? cells : [.. cells[..2], .. cells[3..]]);
            }
            AnsiConsole.Write(table);
        }
        return CommandRunner.Success;
    }

    static Func<float[], Match[]> FromFile(EmbeddingIndex index, string indexPath, int? probes, int k, DataSplit train)
    {
        if (probes is { } p)
        {
            if (index.Partitions == 0) throw new ArgumentException($"--probes: expected a partitioned index (`index --approximate`), found an exact one ({indexPath})");
            if (p > index.Partitions) throw new ArgumentException($"--probes: expected 1 to {index.Partitions} (the index's partitions), found {p}");
            index.Probes = p;
        }
        return row => [.. index.SearchRow(row, k).Select(n => new Match(n.Id, index.HasKeys ? index.KeyOf(n.Id) : null, n.Distance, LabelOf(train, n.Id)))];
    }

    // The table holds its own labels; its comment names the encoder, checked as an index file's header is.
    static Func<float[], Match[]> FromPostgres(string connection, string table, Encoder encoder, int k, int? probes)
    {
        if (probes is not null) throw new ArgumentException("--probes: expected only with a partitioned --index, found it with --postgres (PostgreSQL's search is exact)");
        PostgresIndex.Description description = PostgresIndex.Describe(connection, table);
        if (description.EncoderSha256 != encoder.Metadata.Sha256)
            throw new InvalidDataException($"PostgreSQL table {table}: built with the encoder of SHA-256 {description.EncoderSha256}, found an encoder of SHA-256 {encoder.Metadata.Sha256}: rebuild it with this encoder");
        return row => [.. PostgresIndex.Search(connection, table, description, encoder.Encode(row), k).Select(f => new Match(f.Id, f.Key, (float)f.Distance, f.Label))];
    }

    // One row of tiles per query: the query, then its neighbours nearest first.
    static void Draw(string path, DataSplit queries, List<Query> found, DataSet data, string dataPath)
    {
        ImageShape shape = data.Image ?? throw new ArgumentException($"--plot: expected image data to draw, found a table ({dataPath})");
        int width = queries.Width;
        if (found.SelectMany(query => query.Neighbors).FirstOrDefault(n => n.Id < 0 || n.Id >= data.Train.Count) is { } stranger)
            throw new ArgumentException($"--plot: expected ids of training rows of {dataPath} (0 to {data.Train.Count - 1}), found {stranger.Id}: was the index built from other data?");
        float[][][] tiles = [.. found.Select((query, q) => query.Neighbors
            .Select(n => data.Train.Rows[(int)(n.Id * width)..(int)((n.Id + 1) * width)])
            .Prepend(queries.Rows[(q * width)..((q + 1) * width)]).ToArray())];
        const int Tile = 72;
        Figure.Save(Figure.Mosaic(tiles, shape, "Query (left) and its nearest training images"), path, Tile * tiles[0].Length, Tile * tiles.Length + 40);
    }

    // The image prepared as the encoder's training digits were, in the scaled space its rows come in.
    static DataSplit ImageRow(Encoder encoder, string path)
    {
        byte[] prepared;
        try
        {
            prepared = DigitImage.Prepare(File.ReadAllBytes(path), encoder.ImageSide());
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"--image: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}");
        }
        return new DataSplit([.. prepared.Select(b => b / encoder.Metadata.InputDivisor)], prepared.Length, null);
    }

    static DataSplit OneTestRow(DataSplit test, int row, string dataPath) => row < test.Count
        ? test.Pick([row])
        : throw new ArgumentException($"--row: expected a test row of {dataPath} from 0 to {test.Count - 1}, found {row}");

    // The class's name where the data name classes (an image folder's sub-folder, a CSV's label text); JSON keeps the index.
    static string ClassName(DataSet data, int label) => label < data.ClassNames.Count ? data.ClassNames[label] : $"{label}";

    // Ids of an index built by `index` are training row numbers; other ids have no label here.
    static int? LabelOf(DataSplit train, long id) => train.Labels is { } labels && id >= 0 && id < labels.Length ? labels[id] : null;

    private sealed record Match(long Id, string? Key, float Distance, int? Label);

    private sealed record Query(int Row, int? Label, Match[] Neighbors);
}
