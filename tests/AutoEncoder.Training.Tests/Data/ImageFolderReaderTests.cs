using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Data;

public sealed class ImageFolderReaderTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    // Writes a width × height image of one colour as PNG (or JPEG) under sub-folder `label`.
    private string WriteImage(string label, string name, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        string directory = Path.Combine(folder.Path, label);
        Directory.CreateDirectory(directory);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using SKData data = bitmap.Encode(format, 95);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    // A PNG whose header claims width × height: signature, IHDR (8-bit grayscale), a few bytes of IDAT, IEND.
    // Nothing past the header needs to be valid: the reader must refuse the size before it decodes.
    private string WriteClaimedPng(string name, int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        Chunk(png, "IEND", []);
        string path = Path.Combine(folder.Path, name);
        File.WriteAllBytes(path, png.ToArray());
        return path;

        static void Chunk(Stream stream, string type, byte[] data)
        {
            byte[] length = new byte[4], crc = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
            byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
            stream.Write(length);
            stream.Write(typed);
            stream.Write(crc);
        }

        // PNG's CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), bit by bit: a few bytes here.
        static uint Crc32(byte[] bytes)
        {
            uint crc = 0xFFFFFFFF;
            foreach (byte b in bytes)
            {
                crc ^= b;
                for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return ~crc;
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("16x16")]
    public void Refuses_an_image_whose_header_claims_more_than_the_largest_side_before_decoding_it(string? size)
    {
        string huge = WriteClaimedPng("huge.png", 100_000, 100_000);
        (int, int)? resize = size is null ? null : DataOptions.ParseImageSize(size);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder.Path, 1, resize));

        Assert.Equal($"{huge}: expected an image of at most 4096x4096 pixels, found 100000x100000 in its header", error.Message);
    }

    [Fact]
    public void Reads_class_sub_folders_as_labels_in_grayscale()
    {
        WriteImage("b", "1.png", 4, 3, new SKColor(255, 255, 255));
        WriteImage("a", "1.png", 4, 3, new SKColor(255, 0, 0));

        var read = ImageFolderReader.Read(folder.Path, channels: 1, size: null);

        Assert.Equal(["a", "b"], read.Classes);
        Assert.Equal([0, 1], read.Split.Labels!);
        Assert.Equal(new ImageShape(1, 3, 4), read.Shape);
        // BT.601 luma of pure red: round(0.299 · 255) = 76.
        Assert.All(read.Split.Rows[..12], v => Assert.Equal(76 / 255f, v));
        Assert.All(read.Split.Rows[12..], v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Names_each_row_by_its_path_in_the_folder()
    {
        WriteImage("b", "x.png", 2, 2, SKColors.White);
        WriteImage("a", "y.jpg", 2, 2, SKColors.Black, SKEncodedImageFormat.Jpeg);

        var read = ImageFolderReader.Read(folder.Path, channels: 1, size: null);

        Assert.Equal(["a/y.jpg", "b/x.png"], read.Split.Names!);
    }

    [Fact]
    public void Keeps_rgb_in_planar_order()
    {
        WriteImage("a", "1.png", 2, 2, new SKColor(255, 0, 51));

        var read = ImageFolderReader.Read(folder.Path, channels: 3, size: null);

        Assert.Equal([1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, 0.2f, 0.2f, 0.2f, 0.2f], read.Split.Rows);
    }

    [Fact]
    public void Refuses_mixed_sizes_without_a_size_and_names_the_file()
    {
        WriteImage("a", "1.png", 4, 4, SKColors.White);
        string odd = WriteImage("a", "2.png", 5, 4, SKColors.White);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder.Path, 1, null));

        Assert.Equal($"{odd}: expected 4x4 like the first image, found 5x4 (give --image-size WxH to resize)", error.Message);
    }

    [Fact]
    public void Resizes_every_image_to_the_size_given()
    {
        WriteImage("a", "1.png", 8, 8, SKColors.White);
        WriteImage("a", "2.jpg", 5, 3, SKColors.Black, SKEncodedImageFormat.Jpeg);

        var read = ImageFolderReader.Read(folder.Path, 1, (4, 2));

        Assert.Equal(new ImageShape(1, 2, 4), read.Shape);
        Assert.Equal(16, read.Split.Rows.Length);
    }

    [Fact]
    public void Names_an_image_that_does_not_decode()
    {
        WriteImage("a", "1.png", 4, 4, SKColors.White);
        string broken = Path.Combine(folder.Path, "a", "2.png");
        File.WriteAllBytes(broken, [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder.Path, 1, null));

        Assert.StartsWith($"{broken}: expected a PNG or JPEG image, found data SkiaSharp cannot decode", error.Message);
    }

    [Fact]
    public void Names_a_truncated_image()
    {
        string path = WriteImage("a", "1.png", 64, 64, SKColors.Gray);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder.Path, 1, null));

        Assert.StartsWith(path, error.Message);
    }

    [Fact]
    public void Refuses_a_folder_without_images()
    {
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderReader.Read(folder.Path, 1, null));

        Assert.Equal($"{folder.Path}: expected PNG or JPEG images, in class sub-folders or directly, found none", error.Message);
    }
}
