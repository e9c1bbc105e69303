using System.CommandLine;
using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Storage;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder index</c>: the codes of a data set's training rows, saved as an <see cref="EmbeddingIndex"/> for <c>search</c>.</summary>
internal static class IndexCommand
{
    // Rows encoded per call: large enough for the encoder's batch path, small enough for a progress line every few.
    private const int Chunk = 4096;

    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx (and the manifest saying how its data are read)", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data") { Description = "Data whose training rows are indexed, keyed by their names where the data give them (an image's path in its folder, a CSV's --id-column), else by row number (default: the data the models' manifest records, else data/mnist)" };
    static readonly Option<string?> Out = new("--out") { Description = "The index file to write (all or nothing); this or --postgres is required" };
    static readonly Option<string?> Postgres = new("--postgres") { Description = "Also (or only) write ids, labels and codes to a PostgreSQL table with a GiST-indexed cube column, e.g. \"Host=localhost;Database=codes\"" };
    static readonly Option<string> Table = new("--table") { Description = "With --postgres: the table to replace", DefaultValueFactory = _ => "codes" };
    static readonly Option<DistanceMetric> Metric = new("--metric") { Description = "euclidean or cosine", DefaultValueFactory = _ => DistanceMetric.Euclidean };
    static readonly Option<bool> Approximate = new("--approximate") { Description = "Also partition the codes for approximate search (k-means, searched a few partitions at a time)" };
    static readonly Option<int?> Partitions = new Option<int?>("--partitions") { Description = "With --approximate: partitions (default 4·√rows)" }.AtLeast(1);
    static readonly Option<int?> Probes = new Option<int?>("--probes") { Description = "With --approximate: partitions a search scans (default √partitions)" }.AtLeast(1);
    static readonly Option<int> Seed = new("--seed") { Description = "With --approximate: seed of the k-means", DefaultValueFactory = _ => 0 };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("index", "Encode the training rows of --data with encoder.onnx and save them as an index for `search`")
        {
            Models, Data, Out, Postgres, Table, Metric, Approximate, Partitions, Probes, Seed,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        string models = result.GetValue(Models)!, dataPath = TrainedData.PathFor(result.GetValue(Data), models);
        (string? output, string? postgres) = (result.GetValue(Out), result.GetValue(Postgres));
        if (output is null && postgres is null) throw new ArgumentException("--out: expected the index file to write (or --postgres), found neither");
        (int? partitions, int? probes) = (result.GetValue(Partitions), result.GetValue(Probes));
        if (!result.GetValue(Approximate) && (partitions ?? probes) is not null)
            throw new ArgumentException($"{(partitions is null ? "--probes" : "--partitions")}: expected only with --approximate, found it without");
        using Encoder encoder = Encoder.Load(Path.Combine(models, ModelRole.Encoder.FileName()));
        DataSplit train = DataSource.Load(dataPath, Manifest.DataOptionsOf(models), seed: 0).Train;
        if (train.Width != encoder.InputSize)
            throw new InvalidDataException($"{dataPath}: expected rows of {encoder.InputSize} values as {models}/encoder.onnx takes, found {train.Width}");

        var index = EmbeddingIndex.Create(encoder, result.GetValue(Metric));
        var codes = new float[train.Count * encoder.EmbeddingSize];
        int reported = 0;
        for (int start = 0; start < train.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, train.Count - start);
            float[] chunk = encoder.EncodeBatch(train.Rows.AsSpan(start * train.Width, count * train.Width));
            // Named rows become keys, whose ids are positions: either way a result's id is its row number.
            if (train.Names is { } names) index.AddRange([.. names.Skip(start).Take(count)], chunk);
            else index.AddRange([.. Enumerable.Range(start, count).Select(row => (long)row)], chunk);
            chunk.CopyTo(codes, start * encoder.EmbeddingSize);
            // Progress on stderr, a line every 10%.
            int percent = (start + count) * 100 / train.Count;
            if (percent / 10 > reported / 10 || start + count == train.Count)
            {
                Console.Error.WriteLine($"indexed {start + count:N0}/{train.Count:N0} rows ({percent}%)");
                reported = percent;
            }
        }
        if (result.GetValue(Approximate)) Partition(index, partitions, probes, result.GetValue(Seed));
        if (output is not null)
        {
            index.Save(output);
            Console.WriteLine($"{output}: {index.Count:N0} codes{(index.HasKeys ? " named by the data" : "")} of {index.Dimensions} values, {index.Metric.ToString().ToLowerInvariant()} distance, " +
                              (index.Partitions > 0 ? $"{index.Partitions:N0} partitions searched {index.Probes} at a time, " : "") + $"encoder SHA-256 {index.EncoderSha256}");
        }
        if (postgres is not null)
        {
            string table = result.GetValue(Table)!;
            PostgresIndex.Write(postgres, table, new PostgresIndex.Description(index.Metric, index.Dimensions, index.EncoderSha256),
                [.. Enumerable.Range(0, train.Count).Select(row => (long)row)], train.Names, train.Labels, codes,
                written => Console.Error.WriteLine($"written {written:N0}/{train.Count:N0} rows to PostgreSQL"));
            Console.WriteLine($"PostgreSQL table {table}: {train.Count:N0} codes of {index.Dimensions} values in a GiST-indexed cube column, encoder SHA-256 {index.EncoderSha256}");
        }
        return CommandRunner.Success;
    }

    static void Partition(EmbeddingIndex index, int? partitions, int? probes, int seed)
    {
        Console.Error.WriteLine($"partitioning {index.Count:N0} codes (k-means, 10 iterations) ...");
        int chosen = partitions ?? EmbeddingIndex.SuggestedPartitions(index.Count);
        if (chosen > index.Count) throw new ArgumentException($"--partitions: expected 1 to {index.Count:N0} (the rows indexed), found {chosen:N0}");
        int scanned = probes ?? EmbeddingIndex.SuggestedProbes(chosen);
        if (scanned > chosen) throw new ArgumentException($"--probes: expected 1 to {chosen:N0} (the partitions), found {scanned:N0}");
        index.Partition(chosen, scanned, seed);
    }
}
