using System.CommandLine;
using AutoEncoder.Training.Bench;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder bench-data</c>: loading speed of the CSV and image-folder readers on files it writes.</summary>
internal static class BenchDataCommand
{
    static readonly Option<int> Rows = new("--rows") { Description = "CSV rows to write and load", DefaultValueFactory = _ => 1_000_000 };
    static readonly Option<int> Images = new("--images") { Description = "PNG files to write and load", DefaultValueFactory = _ => 10_000 };
    static readonly Option<int> Repeats = new("--repeats") { Description = "Runs of each measurement; the best is reported", DefaultValueFactory = _ => 3 };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench-data", "Time loading a CSV of 30 numeric columns against a plain line-split pass, and a folder of PNGs")
        {
            Rows, Images, Repeats,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string folder = Directory.CreateTempSubdirectory("autoencoder-bench-data-").FullName;
            try
            {
                string csv = Path.Combine(folder, "rows.csv");
                Console.Error.WriteLine($"writing {result.GetValue(Rows):N0} × 30 CSV ...");
                DataLoadingBenchmark.WriteCsv(csv, result.GetValue(Rows), 30);
                Console.Error.WriteLine("timing the CSV reader and a plain pass ...");
                DataLoadingBenchmark.CsvRun run = DataLoadingBenchmark.MeasureCsv(csv, result.GetValue(Repeats));
                Console.WriteLine($"CSV {run.Rows:N0} rows × {run.Columns} columns, {run.Bytes / 1e6:F0} MB: reader {run.ReaderSeconds:F2} s " +
                                  $"({run.ReaderMegabytesPerSecond:F0} MB/s), plain read+split {run.PlainSeconds:F2} s, ratio {run.Ratio:F2}×");

                string images = Path.Combine(folder, "images");
                Console.Error.WriteLine($"writing {result.GetValue(Images):N0} PNGs ...");
                DataLoadingBenchmark.WritePngs(images, result.GetValue(Images));
                (int count, double seconds) = DataLoadingBenchmark.MeasureImages(images, result.GetValue(Repeats));
                Console.WriteLine($"image folder: {count:N0} 28×28 PNGs in {seconds:F2} s, {count / seconds:N0} images/s");
                return CommandRunner.Success;
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }));
        return command;
    }
}
