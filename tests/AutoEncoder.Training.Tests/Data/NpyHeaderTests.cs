using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

/// <summary>
/// The .npy header is read as the dictionary it is, and the sizes it declares are checked against the file
/// and the machine before data are read: a header that lies, a truncated or over-long file, and an .npz
/// entry whose bytes do not match its CRC-32 are refused with one line naming the file.
/// </summary>
public sealed class NpyHeaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Reads_the_dictionary_numpy_writes()
    {
        NpyHeader header = NpyHeader.Parse("{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }", "x.npy");

        Assert.Equal(new NpyHeader("<f4", false, [60000, 28, 28]), header with { Shape = header.Shape }, new HeaderComparer());
    }

    [Fact]
    public void Reads_a_one_dimensional_shape_and_an_empty_one()
    {
        Assert.Equal([5], NpyHeader.Parse("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }", "y.npy").Shape);
        Assert.Empty(NpyHeader.Parse("{'descr': '<f8', 'fortran_order': True, 'shape': ()}", "s.npy").Shape);
    }

    [Theory]
    // numpy refuses both; a pattern search once read the first as float32 rows.
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), 'x': {'descr': '<f4'}}", "a key 'x' besides 'descr', 'fortran_order' and 'shape'")]
    [InlineData("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", "the key 'descr' twice")]
    [InlineData("{'descr': '<f4', 'shape': (2,)}", "no 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", "a 'fortran_order' other than True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "a shape entry '-3' that is not a non-negative integer below 2³¹")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} extra", "'extra' after the dictionary")]
    public void Refuses_what_numpy_would_not_write(string text, string found)
    {
        var error = Assert.Throws<InvalidDataException>(() => NpyHeader.Parse(text, "x.npy"));

        Assert.Equal($"x.npy: expected a .npy header dictionary of 'descr', 'fortran_order' and 'shape', found {found}", error.Message);
    }

    [Fact]
    public void A_truncated_file_is_named_with_how_much_data_it_holds()
    {
        byte[] npy = DataFiles.Npy([4, 3], new byte[12]);

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(new MemoryStream(npy[..^5]), npy.Length, "x.npy"));

        Assert.Equal("x.npy: expected 12 bytes of data as its header declares, found the data end after 7 bytes of it (a truncated file?)", error.Message);
    }

    [Fact]
    public void Data_beyond_the_declared_length_are_refused()
    {
        byte[] npy = DataFiles.Npy([4, 3], new byte[12]);

        var error = Assert.Throws<InvalidDataException>(() => NpyReader.Read(new MemoryStream([.. npy, 0, 0]), npy.Length, "x.npy"));

        Assert.Equal($"x.npy: expected {npy.Length} bytes as the archive declares, found more", error.Message);
    }

    [Fact]
    public void An_array_larger_than_the_machine_is_refused_before_it_is_read()
    {
        // 400,000 × 784 × 784 float64 values: 1.97 TB of data, declared by a header of 128 bytes.
        var error = Assert.Throws<InvalidDataException>(() => MemoryBudget.Check("x.npz:x_train", [400_000, 784, 784], 400_000L * 784 * 784 * 8, 400_000L * 784 * 784));

        Assert.StartsWith("x.npz:x_train: header declares shape (400000, 784, 784) = 245,862,400,000 values, more than the", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_array_that_fits_one_array_but_not_memory_is_refused_naming_both_sizes()
    {
        long elements = Array.MaxLength;

        var error = Assert.Throws<InvalidDataException>(() => MemoryBudget.Check("x.npy", [Array.MaxLength], elements * 8 * 1000, elements));

        Assert.Contains("bytes of memory with its float32 copy, more than the", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_npz_entry_whose_declared_size_disagrees_with_its_header_is_refused_before_its_data_are_read()
    {
        // The header declares 60,000 × 784 float64 values (376 MB); the entry holds a few bytes.
        byte[] small = DataFiles.Npy([60_000, 784], [], "<f8");
        var entries = DataFiles.KerasEntries();
        entries["x_train"] = small;
        string path = folder.File("bomb.npz");
        DataFiles.WriteNpz(path, entries);

        var error = Assert.Throws<InvalidDataException>(() => NpzReader.Read(path, "x_train"));

        Assert.Equal("bomb.npz:x_train: header declares shape (60000, 784) of 8-byte elements = 376320000 bytes of data, found 0", error.Message);
    }

    [Fact]
    public void An_npz_entry_with_a_wrong_crc_is_refused()
    {
        string path = folder.File("mnist.npz");
        DataFiles.WriteNpz(path, DataFiles.KerasEntries());
        // Flip one byte of the first entry's CRC-32 where readers take it from: its central directory
        // record (signature PK\x01\x02, the CRC at offset 16).
        byte[] zip = File.ReadAllBytes(path);
        int central = zip.AsSpan().IndexOf("PK\x01\x02"u8);
        zip[central + 16] ^= 0xFF;
        File.WriteAllBytes(path, zip);

        var error = Assert.Throws<InvalidDataException>(() => NpzReader.Read(path, "x_train", "y_train", "x_test", "y_test"));

        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("mnist.npz:", error.Message, StringComparison.Ordinal);
    }

    private sealed class HeaderComparer : IEqualityComparer<NpyHeader>
    {
        public bool Equals(NpyHeader? x, NpyHeader? y) => x!.Descr == y!.Descr && x.Fortran == y.Fortran && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode(NpyHeader header) => header.Descr.GetHashCode(StringComparison.Ordinal);
    }
}
