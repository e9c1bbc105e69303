using System.CommandLine;
using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder index</c>: the codes of a data set's training rows, saved as an <see cref="EmbeddingIndex"/> for <c>search</c>.</summary>
internal static class IndexCommand
{
    // Rows encoded per call: large enough for the encoder's batch path, small enough for a progress line every few.
    private const int Chunk = 4096;

    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx (and the manifest saying how its data are read)", DefaultValueFactory = _ => "models" };
    static readonly Option<string> Data = new("--data") { Description = "Data whose training rows are indexed; ids are their row numbers", DefaultValueFactory = _ => "data/mnist" };
    static readonly Option<string?> Out = new("--out") { Description = "The index file to write (all or nothing); required" };
    static readonly Option<DistanceMetric> Metric = new("--metric") { Description = "euclidean or cosine", DefaultValueFactory = _ => DistanceMetric.Euclidean };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("index", "Encode the training rows of --data with encoder.onnx and save them as an index for `search`")
        {
            Models, Data, Out, Metric,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        string models = result.GetValue(Models)!, dataPath = result.GetValue(Data)!;
        string output = result.GetValue(Out) ?? throw new ArgumentException("--out: expected the index file to write, found none");
        using Encoder encoder = Encoder.Load(Path.Combine(models, "encoder.onnx"));
        DataSplit train = DataSource.Load(dataPath, Manifest.DataOptionsOf(models), seed: 0).Train;
        if (train.Width != encoder.InputSize)
            throw new InvalidDataException($"{dataPath}: expected rows of {encoder.InputSize} values as {models}/encoder.onnx takes, found {train.Width}");

        var index = EmbeddingIndex.Create(encoder, result.GetValue(Metric));
        int reported = 0;
        for (int start = 0; start < train.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, train.Count - start);
            long[] ids = [.. Enumerable.Range(start, count).Select(row => (long)row)];
            index.AddRows(ids, train.Rows.AsSpan(start * train.Width, count * train.Width));
            // Progress on stderr, a line every 10%.
            int percent = (start + count) * 100 / train.Count;
            if (percent / 10 > reported / 10 || start + count == train.Count)
            {
                Console.Error.WriteLine($"indexed {start + count:N0}/{train.Count:N0} rows ({percent}%)");
                reported = percent;
            }
        }
        index.Save(output);
        Console.WriteLine($"{output}: {index.Count:N0} codes of {index.Dimensions} values, {index.Metric.ToString().ToLowerInvariant()} distance, encoder SHA-256 {index.EncoderSha256}");
        return CommandRunner.Success;
    }
}
