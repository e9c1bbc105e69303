using System.Diagnostics;
using System.Globalization;
using AutoEncoder.Training.Data;
using SkiaSharp;

namespace AutoEncoder.Training.Bench;

/// <summary>
/// How fast the data readers load what they are made for, measured side by side with a plain pass over
/// the same bytes: a CSV of numeric columns against reading its lines and splitting them (no parsing), and
/// a folder of PNGs in images per second.
/// </summary>
internal static class DataLoadingBenchmark
{
    /// <summary>One CSV measurement: the reader's time, the plain pass's, and the file's size.</summary>
    public sealed record CsvRun(long Rows, int Columns, long Bytes, double ReaderSeconds, double PlainSeconds)
    {
        /// <summary>Megabytes per second through the reader.</summary>
        public double ReaderMegabytesPerSecond => Bytes / 1e6 / ReaderSeconds;

        /// <summary>Reader time over plain-pass time.</summary>
        public double Ratio => ReaderSeconds / PlainSeconds;
    }

    /// <summary>Writes a CSV of <paramref name="rows"/> × <paramref name="columns"/> seeded random numbers (with a header) at <paramref name="path"/>.</summary>
    public static void WriteCsv(string path, int rows, int columns)
    {
        var random = new Random(1);
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, columns).Select(c => $"f{c}")));
        var line = new System.Text.StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            line.Clear();
            for (int c = 0; c < columns; c++)
            {
                if (c > 0) line.Append(',');
                line.Append((random.NextDouble() * 200 - 100).ToString("G7", CultureInfo.InvariantCulture));
            }
            writer.WriteLine(line);
        }
    }

    /// <summary>Times <see cref="CsvTableReader"/> and a plain line-split pass on <paramref name="path"/>, best of <paramref name="repeats"/> each, alternating.</summary>
    public static CsvRun MeasureCsv(string path, int repeats)
    {
        double reader = double.MaxValue, plain = double.MaxValue;
        long rows = 0;
        int columns = 0;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            long fields = 0;
            foreach (string line in File.ReadLines(path)) fields += line.Split(',').Length;
            plain = Math.Min(plain, clock.Elapsed.TotalSeconds);
            GC.KeepAlive(fields);

            clock.Restart();
            CsvTable table = CsvTableReader.Read(path, new DataOptions());
            reader = Math.Min(reader, clock.Elapsed.TotalSeconds);
            columns = table.FeatureNames.Count;
            rows = table.Rows.LongLength / columns;
        }
        return new CsvRun(rows, columns, new FileInfo(path).Length, reader, plain);
    }

    /// <summary>Writes <paramref name="count"/> 28×28 grayscale PNGs of seeded noise into ten class folders under <paramref name="folder"/>.</summary>
    public static void WritePngs(string folder, int count)
    {
        var random = new Random(2);
        var pixels = new byte[28 * 28];
        for (int i = 0; i < count; i++)
        {
            string directory = Path.Combine(folder, $"class{i % 10}");
            Directory.CreateDirectory(directory);
            random.NextBytes(pixels);
            using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8, SKAlphaType.Opaque));
            pixels.CopyTo(bitmap.GetPixelSpan());
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(directory, $"{i:D5}.png"), png.ToArray());
        }
    }

    /// <summary>Images per second that <see cref="ImageFolderReader"/> decodes from <paramref name="folder"/>, best of <paramref name="repeats"/>.</summary>
    public static (int Images, double Seconds) MeasureImages(string folder, int repeats)
    {
        double best = double.MaxValue;
        int images = 0;
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var read = ImageFolderReader.Read(folder, channels: 1, size: null);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            images = read.Split.Count;
        }
        return (images, best);
    }
}
