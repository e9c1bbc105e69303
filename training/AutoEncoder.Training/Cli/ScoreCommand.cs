using System.CommandLine;
using System.Globalization;
using AutoEncoder.Inference;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder score</c>: one anomaly score and flag per test row, streamed as CSV or JSON lines.</summary>
internal static class ScoreCommand
{
    // Rows scored per call: large enough for the scorer's batch path, small enough to stream.
    private const int Chunk = 1000;

    static readonly Option<string> Models = new("--models") { Description = "Folder holding autoencoder.onnx", DefaultValueFactory = _ => "models" };
    static readonly Option<string> Data = new("--data")
    {
        Description = "Data to score, read as the model's manifest records (CSV columns, image options): the test rows of IDX or .npz, every row of anything else",
        DefaultValueFactory = _ => "data/mnist",
    };
    static readonly Option<string?> Out = new("--out") { Description = "Write to this file (atomically) instead of standard output" };
    static readonly Option<bool> AsJson = new("--json") { Description = "One JSON object per row instead of CSV" };
    static readonly Option<float?> Threshold = new("--threshold") { Description = "Flag scores above this instead of the model's calibrated threshold" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("score", "Score every test row with autoencoder.onnx: row, label, score, and whether it is above the calibrated threshold")
        {
            Models, Data, Out, AsJson, Threshold,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        string model = Path.Combine(result.GetValue(Models)!, "autoencoder.onnx");
        float? threshold = result.GetValue(Threshold);
        if (threshold is { } chosen && !(float.IsFinite(chosen) && chosen >= 0))
            throw new ArgumentException($"--threshold: expected a finite score ≥ 0, found {chosen.ToString(CultureInfo.InvariantCulture)}");
        using var detector = AnomalyDetector.Load(model, new InferenceOptions { AnomalyThreshold = threshold });
        DataSplit rows = DataSource.ReadRows(result.GetValue(Data)!, Manifest.DataOptionsOf(result.GetValue(Models)!));
        if (rows.Width != detector.InputSize)
            throw new InvalidDataException($"{result.GetValue(Data)}: expected rows of {detector.InputSize} values as {model} takes, found {rows.Width}");

        bool json = result.GetValue(AsJson);
        if (result.GetValue(Out) is { } path)
            AtomicFile.Write(path, stream =>
            {
                using var writer = new StreamWriter(stream, leaveOpen: true);
                Write(detector, rows, json, writer);
            });
        else
            Write(detector, rows, json, Console.Out);
        return CommandRunner.Success;
    }

    static void Write(AnomalyDetector detector, DataSplit rows, bool json, TextWriter writer)
    {
        if (!json) writer.WriteLine("row,label,score,anomaly");
        float[] pixels = rows.Rows;
        var scores = new float[Chunk];
        int reported = 0, width = detector.InputSize;
        for (int start = 0; start < rows.Count; start += Chunk)
        {
            int count = Math.Min(Chunk, rows.Count - start);
            detector.ScoreBatch(pixels.AsSpan(start * width, count * width), scores.AsSpan(0, count));
            for (int r = 0; r < count; r++)
            {
                string score = scores[r].ToString("R", CultureInfo.InvariantCulture);
                string flag = detector.Threshold is { } threshold ? (scores[r] > threshold ? "true" : "false") : "";
                string label = rows.Labels is { } labels ? labels[start + r].ToString(CultureInfo.InvariantCulture) : "";
                writer.WriteLine(json
                    ? $"{{\"row\":{start + r},\"label\":{(label.Length == 0 ? "null" : label)},\"score\":{score},\"anomaly\":{(flag.Length == 0 ? "null" : flag)}}}"
                    : $"{start + r},{label},{score},{flag}");
            }
            // Progress on stderr, a line every 10%, so that stdout stays data.
            int percent = (start + count) * 100 / rows.Count;
            if (percent / 10 > reported / 10 || start + count == rows.Count)
            {
                Console.Error.WriteLine($"scored {start + count:N0}/{rows.Count:N0} rows ({percent}%)");
                reported = percent;
            }
        }
    }
}
