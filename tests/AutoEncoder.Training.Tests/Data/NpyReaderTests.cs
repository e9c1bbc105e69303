using System.Buffers.Binary;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class NpyReaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static readonly float[] Values = [1.5f, -2f, 3.25f, 4f, 5f, 6.5f];

    private static byte[] Floats(float[] values, bool bigEndian)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            if (bigEndian) BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(4 * i), values[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    private static byte[] Doubles(double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        return bytes;
    }

    [Theory]
    [InlineData("<f4", false)]
    [InlineData(">f4", true)]
    public void Reads_float32_in_either_byte_order(string descr, bool bigEndian)
    {
        NpyArray array = NpyReader.Parse(DataFiles.Npy([2, 3], Floats(Values, bigEndian), descr), "x.npy");

        Assert.Equal(Values, array.ToFeatures());
    }

    [Fact]
    public void Reads_float64()
    {
        NpyArray array = NpyReader.Parse(DataFiles.Npy([2, 3], Doubles([.. Values.Select(v => (double)v)]), "<f8"), "x.npy");

        Assert.Equal(Values, array.ToFeatures());
    }

    [Fact]
    public void Reorders_a_fortran_array_to_rows()
    {
        // Column-major storage of [[1.5, -2, 3.25], [4, 5, 6.5]]: 1.5, 4, -2, 5, 3.25, 6.5.
        float[] columnMajor = [1.5f, 4f, -2f, 5f, 3.25f, 6.5f];

        NpyArray array = NpyReader.Parse(DataFiles.Npy([2, 3], Floats(columnMajor, false), "<f4", fortran: true), "x.npy");

        Assert.Equal(Values, array.ToFeatures());
    }

    [Fact]
    public void Reads_uint8_images_as_intensities()
    {
        NpyArray array = NpyReader.Parse(DataFiles.Npy([1, 2, 2], [0, 51, 255, 128]), "x.npy");

        Assert.Equal([0f, 51 / 255f, 1f, 128 / 255f], array.ToFeatures());
    }

    [Fact]
    public void Refuses_an_unsupported_dtype()
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Parse(DataFiles.Npy([2], new byte[4], "<f2"), "x.npy"));

        Assert.Equal("x.npy: expected dtype uint8, an integer, float32 or float64, found '<f2'", error.Message);
    }

    [Fact]
    public void Refuses_integer_features()
    {
        NpyArray array = NpyReader.Parse(DataFiles.Npy([2], new byte[16], "<i8"), "x.npy");

        var error = Assert.Throws<InvalidDataException>(() => array.ToFeatures());

        Assert.Equal("x.npy: expected dtype uint8, float32 or float64 for features, found <i8", error.Message);
    }

    [Fact]
    public void Names_the_row_and_column_of_a_nan()
    {
        float[] values = [.. Values];
        values[4] = float.NaN;

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Parse(DataFiles.Npy([2, 3], Floats(values, false), "<f4"), "x.npy").ToFeatures());

        Assert.Equal("x.npy: expected finite numbers, found NaN at row 1, column 1", error.Message);
    }

    [Fact]
    public void Refuses_negative_or_fractional_labels()
    {
        NpyArray labels = NpyReader.Parse(DataFiles.Npy([2], Doubles([1, 2.5]), "<f8"), "y.npy");

        var error = Assert.Throws<InvalidDataException>(() => labels.ToLabels());

        Assert.Equal("y.npy: expected non-negative integer labels, found 2.5 at index 1", error.Message);
    }

    [Fact]
    public void Loads_rows_and_a_companion_labels_file_as_a_data_set()
    {
        string rows = folder.File("x.npy"), labels = folder.File("y.npy");
        File.WriteAllBytes(rows, DataFiles.Npy([20, 3], Floats([.. Enumerable.Range(0, 60).Select(i => (float)i)], false), "<f4"));
        File.WriteAllBytes(labels, DataFiles.Npy([20], DataFiles.Labels(20)));

        DataSet data = DataSource.Load(rows, new DataOptions(Labels: labels), seed: 0);

        Assert.Equal(3, data.Width);
        Assert.Null(data.Image);
        Assert.Equal((18, 2), (data.Train.Count, data.Test.Count));
        Assert.NotNull(data.Test.Labels);
        Assert.Equal(2, data.Checksums.Count);
    }

    [Fact]
    public void Refuses_a_labels_file_of_another_length()
    {
        string rows = folder.File("x.npy"), labels = folder.File("y.npy");
        File.WriteAllBytes(rows, DataFiles.Npy([20, 3], new byte[20 * 3 * 4], "<f4"));
        File.WriteAllBytes(labels, DataFiles.Npy([19], DataFiles.Labels(19)));

        var error = Assert.Throws<InvalidDataException>(() => DataSource.Load(rows, new DataOptions(Labels: labels), seed: 0));

        Assert.Equal("x.npy: expected as many labels as rows (20), found 19", error.Message);
    }
}
