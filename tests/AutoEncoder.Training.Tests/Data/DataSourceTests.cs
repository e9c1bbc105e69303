using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class DataSourceTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static DataSet Load(string path, DataOptions? options = null) => DataSource.Load(path, options ?? new DataOptions(), seed: 0);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_a_folder_of_idx_files_raw_or_gzip_as_intensities(bool gzip)
    {
        DataFiles.WriteMnistFolder(folder.Path, train: 20, test: 10, gzip);

        DataSet data = Load(folder.Path);

        Assert.Equal(DataFiles.Intensities(DataFiles.Images(20)), data.Train.Rows);
        Assert.Equal(DataFiles.Ints(DataFiles.Labels(10)), data.Test.Labels);
        Assert.Equal(new ImageShape(1, 28, 28), data.Image);
        Assert.Equal(4, data.Checksums.Count);
    }

    [Fact]
    public void Reads_idx_images_of_any_size()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), DataFiles.Idx([20, 5, 7], new byte[20 * 35]));
        File.WriteAllBytes(folder.File("t10k-images-idx3-ubyte"), DataFiles.Idx([10, 5, 7], new byte[10 * 35]));

        DataSet data = Load(folder.Path);

        Assert.Equal(35, data.Width);
        Assert.Equal(new ImageShape(1, 5, 7), data.Image);
    }

    [Fact]
    public void Rejects_more_labels_than_images()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), DataFiles.Idx([11], DataFiles.Labels(11)));

        var error = Assert.Throws<InvalidDataException>(() => Load(folder.Path));

        Assert.Equal("t10k: expected as many labels as rows (10), found 11", error.Message);
    }

    [Fact]
    public void Rejects_test_images_of_another_size()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.WriteAllBytes(folder.File("t10k-images-idx3-ubyte"), DataFiles.Idx([10, 28, 27], new byte[10 * 28 * 27]));

        var error = Assert.Throws<InvalidDataException>(() => Load(folder.Path));

        Assert.Equal($"{folder.Path}: expected test images of the training images' size 28×28, found 28×27", error.Message);
    }

    [Fact]
    public void Names_the_missing_file()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.Delete(folder.File("t10k-images-idx3-ubyte"));

        var error = Assert.Throws<FileNotFoundException>(() => Load(folder.Path));

        Assert.Contains("expected t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz, found neither", error.Message);
    }

    [Fact]
    public void Refuses_a_test_file_beside_a_source_with_its_own_test_split()
    {
        DataFiles.WriteMnistFolder(folder.Path);

        var error = Assert.Throws<ArgumentException>(() => Load(folder.Path, new DataOptions(Test: "other.csv")));

        Assert.StartsWith("--test: idx data bring their own test split", error.Message);
    }

    [Fact]
    public void Loads_a_keras_npz_archive()
    {
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, DataFiles.KerasEntries(train: 20, test: 10));

        DataSet data = Load(path);

        Assert.Equal(DataFiles.Intensities(DataFiles.Images(20)), data.Train.Rows);
        Assert.Equal(DataFiles.Ints(DataFiles.Labels(10)), data.Test.Labels);
        Assert.Equal(["mnist.npz"], data.Checksums.Keys);
    }

    [Fact]
    public void Reads_int64_labels_from_an_npz()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries(train: 5);
        entries["y_train"] = DataFiles.Npy([5], [.. Enumerable.Range(0, 5).SelectMany(i => BitConverter.GetBytes((long)i))], descr: "<i8");
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        Assert.Equal([0, 1, 2, 3, 4], Load(path).Train.Labels!);
    }

    [Fact]
    public void Rejects_an_npz_missing_an_array()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries();
        entries.Remove("x_test");
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => Load(path));

        Assert.StartsWith("mnist.npz: expected an array 'x_test', found only [", error.Message);
    }

    [Fact]
    public void Rejects_an_npz_array_shorter_than_its_shape()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries();
        entries["x_test"] = DataFiles.Npy([10, 28, 28], new byte[100]);
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => Load(path));

        Assert.Equal("mnist.npz:x_test: header declares shape (10, 28, 28) of 1-byte elements = 7840 bytes of data, found 100", error.Message);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_a_zip_archive()
    {
        string path = folder.File("mnist.npz");
        File.WriteAllBytes(path, DataFiles.Idx([3], [1, 2, 3]));

        var error = Assert.Throws<InvalidDataException>(() => Load(path));

        Assert.StartsWith("mnist.npz: expected a zip archive (.npz), found none", error.Message);
    }

    [Fact]
    public void Holds_out_a_seeded_validation_share_when_the_source_has_no_test_split()
    {
        string path = folder.File("rows.csv");
        File.WriteAllLines(path, ["a,b", .. Enumerable.Range(0, 100).Select(i => $"{i},{i * 2}")]);

        DataSet first = Load(path, new DataOptions(ValidationFraction: 0.2)), again = Load(path, new DataOptions(ValidationFraction: 0.2));
        DataSet other = DataSource.Load(path, new DataOptions(ValidationFraction: 0.2), seed: 1);

        Assert.Equal((80, 20), (first.Train.Count, first.Test.Count));
        Assert.Equal(first.Test.Rows, again.Test.Rows);
        Assert.NotEqual(first.Test.Rows, other.Test.Rows);
        Assert.Empty(first.Train.Rows.Where((v, i) => i % 2 == 0).Intersect(first.Test.Rows.Where((v, i) => i % 2 == 0)));
    }

    [Fact]
    public void Row_names_follow_their_rows_into_the_held_out_share()
    {
        string path = folder.File("rows.csv");
        File.WriteAllLines(path, ["id,a", .. Enumerable.Range(0, 50).Select(i => $"row-{i},{i}")]);

        DataSet data = Load(path, new DataOptions(IdColumn: "id", ValidationFraction: 0.2));

        foreach (DataSplit split in new[] { data.Train, data.Test })
            for (int r = 0; r < split.Count; r++) Assert.Equal($"row-{split.Rows[r]}", split.Names![r]);
    }

    [Fact]
    public void Refuses_a_file_of_an_unknown_extension()
    {
        string path = folder.File("rows.parquet");
        File.WriteAllText(path, "");

        var error = Assert.Throws<InvalidDataException>(() => Load(path));

        Assert.Equal($"{path}: expected a folder, .npz, .npy, .csv, .tsv or .txt, found '.parquet' (name the format with --format)", error.Message);
    }

    [Fact]
    public void Real_mnist_has_60000_training_and_10000_test_images()
    {
        DataSet data = Mnist.DataSet;

        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(784, data.Width);
    }
}
