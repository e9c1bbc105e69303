using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class MnistLoaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Loads_a_folder_of_idx_files_raw_or_gzip(bool gzip)
    {
        DataFiles.WriteMnistFolder(folder.Path, train: 20, test: 10, gzip);

        MnistDataSet data = MnistLoader.Load(folder.Path);

        Assert.Equal(20, data.Train.Count);
        Assert.Equal(10, data.Test.Count);
        Assert.Equal(DataFiles.Images(20), data.Train.Images);
        Assert.Equal(DataFiles.Labels(10), data.Test.Labels);
        Assert.Equal(4, data.Checksums.Count);
    }

    [Fact]
    public void Scales_pixels_by_dividing_by_255()
    {
        var split = new MnistSplit([0, 1, 128, 255], [3]);

        Assert.Equal([0f, 1f / 255f, 128f / 255f, 1f], split.ScaledPixels());
    }

    [Fact]
    public void Rejects_more_labels_than_images()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.WriteAllBytes(folder.File("t10k-labels-idx1-ubyte"), DataFiles.Idx([11], DataFiles.Labels(11)));

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(folder.Path));

        Assert.Equal("t10k: expected as many labels as images (10), found 11", error.Message);
    }

    [Fact]
    public void Rejects_images_that_are_not_28_by_28()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), DataFiles.Idx([20, 28, 27], new byte[20 * 28 * 27]));

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(folder.Path));

        Assert.Equal("train: expected images of shape N×28×28, found 20×28×27", error.Message);
    }

    [Fact]
    public void Rejects_a_label_that_is_not_a_digit()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        byte[] labels = DataFiles.Labels(20);
        labels[4] = 10;
        File.WriteAllBytes(folder.File("train-labels-idx1-ubyte"), DataFiles.Idx([20], labels));

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(folder.Path));

        Assert.Equal("train: expected digit labels 0–9, found 10 at index 4", error.Message);
    }

    [Fact]
    public void Names_the_missing_file()
    {
        DataFiles.WriteMnistFolder(folder.Path);
        File.Delete(folder.File("t10k-images-idx3-ubyte"));

        var error = Assert.Throws<FileNotFoundException>(() => MnistLoader.Load(folder.Path));

        Assert.Contains("expected t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz, found neither", error.Message);
    }

    [Fact]
    public void Loads_a_keras_npz_archive()
    {
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, DataFiles.KerasEntries(train: 20, test: 10));

        MnistDataSet data = MnistLoader.Load(path);

        Assert.Equal(DataFiles.Images(20), data.Train.Images);
        Assert.Equal(DataFiles.Labels(10), data.Test.Labels);
        Assert.Equal(["mnist.npz"], data.Checksums.Keys);
    }

    [Fact]
    public void Rejects_an_npz_array_of_another_dtype()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries();
        entries["y_train"] = DataFiles.Npy([5], new byte[40], descr: "<i8");
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(path));

        Assert.Equal("mnist.npz:y_train: expected dtype uint8 ('|u1'), found '<i8'", error.Message);
    }

    [Fact]
    public void Rejects_an_npz_missing_an_array()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries();
        entries.Remove("x_test");
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(path));

        Assert.StartsWith("mnist.npz: expected an array 'x_test', found only [", error.Message);
    }

    [Fact]
    public void Rejects_an_npz_array_shorter_than_its_shape()
    {
        Dictionary<string, byte[]> entries = DataFiles.KerasEntries();
        entries["x_test"] = DataFiles.Npy([10, 28, 28], new byte[100]);
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(path));

        Assert.Equal("mnist.npz:x_test: header declares shape (10, 28, 28) = 7840 bytes of data, found 100", error.Message);
    }

    [Fact]
    public void Rejects_a_file_that_is_not_a_zip_archive()
    {
        string path = folder.File("mnist.npz");
        File.WriteAllBytes(path, DataFiles.Idx([3], [1, 2, 3]));

        var error = Assert.Throws<InvalidDataException>(() => MnistLoader.Load(path));

        Assert.StartsWith("mnist.npz: expected a zip archive (.npz), found none", error.Message);
    }

    [Fact]
    public void Real_mnist_has_60000_training_and_10000_test_images()
    {
        MnistDataSet data = Mnist.DataSet;

        Assert.Equal(60_000, data.Train.Count);
        Assert.Equal(10_000, data.Test.Count);
        Assert.Equal(60_000 * 784, data.Train.Images.Length);
    }
}
