using System.Globalization;
using AutoEncoder.Training.IO;

namespace AutoEncoder.Training.Data;

/// <summary>
/// Loads a data set from a <c>--data</c> path in any supported format and settles its test split: the
/// source's own (IDX, .npz), a <c>--test</c> file, or a seeded share of the training rows.
/// </summary>
internal static class DataSource
{
    /// <summary>The format <paramref name="path"/> is read in when <paramref name="format"/> is Auto.</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">A file's extension names no supported format.</exception>
    public static DataFormat Resolve(string path, DataFormat format)
    {
        if (format != DataFormat.Auto) return format;
        if (Directory.Exists(path)) return IdxFolderReader.Holds(path) ? DataFormat.Idx : DataFormat.Images;
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file or folder (for MNIST run 'make data')", path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".npz" => DataFormat.Npz,
            ".npy" => DataFormat.Npy,
            ".csv" or ".tsv" or ".txt" => DataFormat.Csv,
            string other => throw new InvalidDataException(
                $"{path}: expected a folder, .npz, .npy, .csv, .tsv or .txt, found '{other}' (name the format with --format)"),
        };
    }

    /// <summary>Reads <paramref name="path"/> as <paramref name="options"/> say; <paramref name="seed"/> picks a validation share.</summary>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or the training and test rows disagree in width or classes.</exception>
    public static DataSet Load(string path, DataOptions options, long seed)
    {
        (DataSet set, bool ownTest) = Read(path, options);
        return Finish(set, !ownTest && options.Test is null, path, options, seed);
    }

    /// <summary>The rows to score in <paramref name="path"/>: the test split of a source that has one (IDX, .npz), else every row.</summary>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed.</exception>
    public static DataSplit ReadRows(string path, DataOptions options)
    {
        (DataSet set, bool ownTest) = Read(path, options with { Test = null });
        return ownTest ? set.Test : set.Train;
    }

    // The data set as stored: with its own test split (ownTest), a --test file's rows, or Test = Train (not yet held out).
    static (DataSet Set, bool OwnTest) Read(string path, DataOptions options)
    {
        options.Validate();
        DataFormat format = Resolve(path, options.Format);
        var checksums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        (int, int)? size = options.ImageSize is { } text ? DataOptions.ParseImageSize(text) : null;
        switch (format)
        {
            case DataFormat.Idx:
                return (WithTest(IdxFolderReader.Read(path), options, format), true);
            case DataFormat.Npz:
                return (WithTest(KerasNpz(path), options, format), true);
            case DataFormat.Npy:
            {
                (DataSplit train, int[] shape) = Npy(path, options.Labels, checksums);
                DataSplit? test = options.Test is { } t ? Npy(t, options.TestLabels, checksums).Split : null;
                var set = new DataSet(train, test ?? train, checksums, ImageArrays.ImageOf(shape),
                    ImageArrays.NumberedClasses(train.Labels, test?.Labels), []);
                return (set, false);
            }
            case DataFormat.Csv:
            {
                CsvTable table = CsvTableReader.Read(path, options);
                checksums[Path.GetFileName(path)] = FileHash.Sha256(path);
                CsvTable? testTable = null;
                if (options.Test is { } t)
                {
                    testTable = CsvTableReader.Read(t, options);
                    checksums[Path.GetFileName(t)] = FileHash.Sha256(t);
                }
                (IReadOnlyList<string> classes, int[]? trainLabels, int[]? testLabels) = ClassIndices(table.Labels, testTable?.Labels);
                int width = table.FeatureNames.Count;
                var train = new DataSplit(table.Rows, width, trainLabels, table.Ids);
                DataSplit? test = testTable is null ? null : new DataSplit(testTable.Rows, width, testLabels, testTable.Ids);
                return (new DataSet(train, test ?? train, checksums, null, classes, table.FeatureNames), false);
            }
            default:
            {
                var read = ImageFolderReader.Read(path, options.Channels, size);
                checksums[Path.GetFileName(Path.TrimEndingDirectorySeparator(path)) + "/"] = read.Sha256;
                DataSplit? test = null;
                if (options.Test is { } t)
                {
                    var testRead = ImageFolderReader.Read(t, options.Channels, size ?? (read.Shape.Width, read.Shape.Height), read.Classes);
                    checksums[Path.GetFileName(Path.TrimEndingDirectorySeparator(t)) + "/ (test)"] = testRead.Sha256;
                    test = testRead.Split;
                }
                return (new DataSet(read.Split, test ?? read.Split, checksums, read.Shape, read.Classes, []), false);
            }
        }
    }

    // IDX and .npz bring their own test split, so a --test file would leave one of the two unused.
    static DataSet WithTest(DataSet set, DataOptions options, DataFormat format) =>
        options.Test is null ? set : throw new ArgumentException($"--test: {format.ToString().ToLowerInvariant()} data bring their own test split; --test applies to .npy, CSV and image folders");

    static DataSet Finish(DataSet set, bool holdOut, string path, DataOptions options, long seed)
    {
        if (set.Test.Width != set.Train.Width)
            throw new InvalidDataException($"{options.Test}: expected test rows of {set.Train.Width} values like {path}, found {set.Test.Width}");
        if ((set.Train.Labels is null) != (set.Test.Labels is null))
            throw new InvalidDataException($"{options.Test ?? path}: expected the training and test rows both labelled or both unlabelled");
        if (!holdOut) return set;

        int count = set.Train.Count;
        int held = (int)Math.Round(count * options.ValidationFraction);
        if (held < 1 || held >= count)
            throw new InvalidDataException(
                $"{path}: expected enough rows to hold out {options.ValidationFraction:P0} for validation, found {count} row(s) (give --test FILE)");
        int[] order = [.. Enumerable.Range(0, count)];
        // Seeded apart from the per-epoch shuffles, so that every run and resume of a seed holds out the same rows.
        new Random(unchecked((int)(seed * 104_729 + count))).Shuffle(order);
        int[] validation = order[..held], train = order[held..];
        Array.Sort(validation);
        Array.Sort(train);
        return set with { Train = set.Train.Pick(train), Test = set.Train.Pick(validation) };
    }

    static DataSet KerasNpz(string file)
    {
        var arrays = NpzReader.Read(file, "x_train", "y_train", "x_test", "y_test");
        var checksums = new SortedDictionary<string, string>(StringComparer.Ordinal) { [Path.GetFileName(file)] = FileHash.Sha256(file) };
        int[] trainLabels = arrays["y_train"].ToLabels(), testLabels = arrays["y_test"].ToLabels();
        DataSplit train = ImageArrays.Split(arrays["x_train"].Shape, arrays["x_train"].ToFeatures(), trainLabels, "x_train/y_train");
        DataSplit test = ImageArrays.Split(arrays["x_test"].Shape, arrays["x_test"].ToFeatures(), testLabels, "x_test/y_test");
        if (test.Width != train.Width)
            throw new InvalidDataException($"{Path.GetFileName(file)}: expected x_test rows of {train.Width} values like x_train, found {test.Width}");
        return new DataSet(train, test, checksums, ImageArrays.ImageOf(arrays["x_train"].Shape), ImageArrays.NumberedClasses(trainLabels, testLabels), []);
    }

    static (DataSplit Split, int[] Shape) Npy(string path, string? labelsPath, IDictionary<string, string> checksums)
    {
        NpyArray rows = NpyReader.Read(path);
        checksums[Path.GetFileName(path)] = FileHash.Sha256(path);
        int[]? labels = null;
        if (labelsPath is not null)
        {
            labels = NpyReader.Read(labelsPath).ToLabels();
            checksums[Path.GetFileName(labelsPath)] = FileHash.Sha256(labelsPath);
        }
        return (ImageArrays.Split(rows.Shape, rows.ToFeatures(), labels, Path.GetFileName(path)), rows.Shape);
    }

    /// <summary>
    /// Label texts as class indices: when every label is a non-negative integer it is its own index
    /// (classes "0", "1", …); otherwise the distinct texts in ordinal order are the classes.
    /// </summary>
    internal static (IReadOnlyList<string> Classes, int[]? Train, int[]? Test) ClassIndices(string[]? train, string[]? test)
    {
        if (train is null) return ([], null, null);
        string[] all = [.. train, .. test ?? []];
        if (all.All(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            int[] Parse(string[]? texts) => texts is null ? [] : [.. texts.Select(t => int.Parse(t, CultureInfo.InvariantCulture))];
            int[] trainIndices = Parse(train), testIndices = Parse(test);
            return (ImageArrays.NumberedClasses(trainIndices, testIndices), trainIndices, test is null ? null : testIndices);
        }
        string[] classes = [.. all.Distinct().Order(StringComparer.Ordinal)];
        var index = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return (classes, [.. train.Select(t => index[t])], test is null ? null : [.. test.Select(t => index[t])]);
    }
}
