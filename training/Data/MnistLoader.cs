using AutoEncoder.Training.IO;

namespace AutoEncoder.Training.Data;

/// <summary>Loads MNIST from a folder of IDX files (raw or .gz) or from a Keras <c>mnist.npz</c>.</summary>
internal static class MnistLoader
{
    const int Side = 28;

    /// <summary>Loads MNIST from <paramref name="path"/>: a folder of the four IDX files or an .npz file.</summary>
    /// <exception cref="FileNotFoundException">The path or one of the files does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the files disagree.</exception>
    public static MnistDataSet Load(string path)
    {
        if (Directory.Exists(path)) return LoadIdxFolder(path);
        if (File.Exists(path)) return LoadNpz(path);
        throw new FileNotFoundException(
            $"MNIST not found at '{path}': expected a folder of IDX files or an .npz file (run 'make data')", path);
    }

    static MnistDataSet LoadIdxFolder(string folder)
    {
        var checksums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IdxArray Read(string stem, int dimensions)
        {
            string file = Locate(folder, stem);
            checksums[Path.GetFileName(file)] = FileHash.Sha256(file);
            return IdxReader.Read(file, dimensions);
        }

        MnistSplit train = Split(Read("train-images-idx3-ubyte", 3), Read("train-labels-idx1-ubyte", 1), "train");
        MnistSplit test = Split(Read("t10k-images-idx3-ubyte", 3), Read("t10k-labels-idx1-ubyte", 1), "t10k");
        return new MnistDataSet(train, test, checksums);
    }

    static MnistDataSet LoadNpz(string file)
    {
        var arrays = NpzReader.Read(file, "x_train", "y_train", "x_test", "y_test");
        var checksums = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [Path.GetFileName(file)] = FileHash.Sha256(file),
        };
        return new MnistDataSet(
            Split(arrays["x_train"], arrays["y_train"], "x_train/y_train"),
            Split(arrays["x_test"], arrays["y_test"], "x_test/y_test"),
            checksums);
    }

    static string Locate(string folder, string stem)
    {
        foreach (string candidate in new[] { stem, stem + ".gz" })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{folder}: expected {stem} or {stem}.gz, found neither", Path.Combine(folder, stem));
    }

    /// <summary>Checks that images are N×28×28, labels are N digits, and the two counts agree.</summary>
    internal static MnistSplit Split(IdxArray images, IdxArray labels, string name)
    {
        if (images.Shape.Length != 3 || images.Shape[1] != Side || images.Shape[2] != Side)
            throw new InvalidDataException(
                $"{name}: expected images of shape N×{Side}×{Side}, found {string.Join('×', images.Shape)}");
        if (labels.Shape.Length != 1)
            throw new InvalidDataException($"{name}: expected labels of shape N, found {string.Join('×', labels.Shape)}");
        if (images.Count != labels.Count)
            throw new InvalidDataException($"{name}: expected as many labels as images ({images.Count}), found {labels.Count}");

        int bad = Array.FindIndex(labels.Data, label => label > 9);
        if (bad >= 0)
            throw new InvalidDataException($"{name}: expected digit labels 0–9, found {labels.Data[bad]} at index {bad}");

        return new MnistSplit(images.Data, labels.Data);
    }
}
