using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Reads_shape_and_data_of_a_raw_file()
    {
        byte[] images = DataFiles.Images(3);
        IdxArray array = IdxReader.Read(Write("images", DataFiles.Idx([3, 28, 28], images)), 3);

        Assert.Equal([3, 28, 28], array.Shape);
        Assert.Equal(images, array.Data);
    }

    [Fact]
    public void Reads_a_gzip_compressed_file_identically()
    {
        byte[] raw = DataFiles.Idx([5], DataFiles.Labels(5));

        IdxArray plain = IdxReader.Read(Write("labels", raw), 1);
        IdxArray compressed = IdxReader.Read(Write("labels.gz", DataFiles.Gzip(raw)), 1);

        Assert.Equal(plain.Shape, compressed.Shape);
        Assert.Equal(plain.Data, compressed.Data);
    }

    [Fact]
    public void Rejects_a_truncated_file_naming_declared_and_found_sizes()
    {
        byte[] whole = DataFiles.Idx([3, 28, 28], DataFiles.Images(3));
        string path = Write("train-images-idx3-ubyte", whole[..^100]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, 3));

        Assert.Equal("train-images-idx3-ubyte: header declares 3x28x28 = 2352 bytes of data, found 2252", error.Message);
    }

    [Fact]
    public void Rejects_a_truncated_gzip_stream()
    {
        byte[] compressed = DataFiles.Gzip(DataFiles.Idx([3, 28, 28], DataFiles.Images(3)));
        string path = Write("images.gz", compressed[..(compressed.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, 3));

        Assert.StartsWith("images.gz:", error.Message);
    }

    [Fact]
    public void Rejects_a_file_shorter_than_its_header()
    {
        string path = Write("short", [0, 0, 8]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, 1));

        Assert.Equal("short: expected an IDX header of 8 bytes, found a file of 3 bytes", error.Message);
    }

    [Fact]
    public void Rejects_wrong_magic_naming_expected_and_found()
    {
        string path = Write("labels", DataFiles.Idx([5], DataFiles.Labels(5), magic: 0x00000D01));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, 1));

        Assert.Equal("labels: expected IDX magic 0x00000801 (unsigned bytes, 1 dimensions), found 0x00000D01", error.Message);
    }

    [Fact]
    public void Rejects_an_images_file_read_as_labels()
    {
        string path = Write("images", DataFiles.Idx([1, 28, 28], DataFiles.Images(1)));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Read(path, 1));

        Assert.Contains("found 0x00000803", error.Message);
    }

    [Fact]
    public void Rejects_a_declared_count_larger_than_the_data()
    {
        byte[] bytes = DataFiles.Idx([7], DataFiles.Labels(5));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.Parse(bytes, 1, "labels"));

        Assert.Equal("labels: header declares 7 = 7 bytes of data, found 5", error.Message);
    }
}
