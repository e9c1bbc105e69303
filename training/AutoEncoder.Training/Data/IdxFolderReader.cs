using AutoEncoder.ModelFormat;
using AutoEncoder.Training.IO;

namespace AutoEncoder.Training.Data;

/// <summary>Reads a folder of the four IDX files in MNIST's layout (raw or .gz), any image size: MNIST, Fashion-MNIST.</summary>
internal static class IdxFolderReader
{
    /// <summary>The training-images file whose presence marks a folder as IDX.</summary>
    public const string TrainImages = "train-images-idx3-ubyte";

    /// <summary>Whether <paramref name="folder"/> holds <see cref="TrainImages"/> (raw or .gz).</summary>
    public static bool Holds(string folder) =>
        File.Exists(Path.Combine(folder, TrainImages)) || File.Exists(Path.Combine(folder, TrainImages + ".gz"));

    /// <summary>Loads the training and test images and labels; pixels become intensities byte / 255.</summary>
    /// <exception cref="FileNotFoundException">One of the four files is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the files disagree.</exception>
    public static DataSet Read(string folder)
    {
        var checksums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        IdxArray Load(string stem, int dimensions)
        {
            string file = Locate(folder, stem);
            checksums[Path.GetFileName(file)] = FileHash.Sha256(file);
            return IdxReader.Read(file, dimensions);
        }

        IdxArray trainImages = Load(TrainImages, 3), testImages = Load("t10k-images-idx3-ubyte", 3);
        int[] trainLabels = Labels(Load("train-labels-idx1-ubyte", 1)), testLabels = Labels(Load("t10k-labels-idx1-ubyte", 1));
        DataSplit train = ImageArrays.Split(trainImages.Shape, Intensities(trainImages.Data), trainLabels, "train");
        DataSplit test = ImageArrays.Split(testImages.Shape, Intensities(testImages.Data), testLabels, "t10k");
        if (test.Width != train.Width)
            throw new InvalidDataException(
                $"{folder}: expected test images of the training images' size {string.Join('×', trainImages.Shape[1..])}, found {string.Join('×', testImages.Shape[1..])}");
        return new DataSet(train, test, checksums, ImageArrays.ImageOf(trainImages.Shape),
            ImageArrays.NumberedClasses(trainLabels, testLabels), []);
    }

    /// <summary>Bytes as intensities: byte / 255, the division the inference library's byte overloads repeat.</summary>
    public static float[] Intensities(byte[] bytes)
    {
        var values = new float[bytes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = bytes[i] / ImageBytes.Divisor;
        return values;
    }

    static int[] Labels(IdxArray labels)
    {
        if (labels.Shape.Length != 1)
            throw new InvalidDataException($"expected labels of shape N, found {string.Join('×', labels.Shape)}");
        return [.. labels.Data.Select(b => (int)b)];
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
}
