using System.Security.Cryptography;
using System.Text;
using AutoEncoder.ModelFormat;
using SkiaSharp;

namespace AutoEncoder.Training.Data;

/// <summary>
/// Reads a folder of PNG and JPEG images decoded by SkiaSharp: one sub-folder per class (its name is the
/// label), or images directly in the folder for unlabelled data. Rows hold intensities byte / 255 in
/// planar order (all of channel 0, then channel 1, …: the C×H×W layout of a convolution's input).
/// </summary>
internal static class ImageFolderReader
{
    static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// The largest side of an image this reader decodes, checked from the file's header before decoding
    /// (as --image-size allows and the service caps): a valid 389 KB PNG of 20000×20000 pixels takes 1.6 GB
    /// to decode, and one that claims 100000×100000 overflowed the row buffer's size.
    /// </summary>
    public const int MaxSide = 4096;

    /// <summary>Whether <paramref name="path"/> is a PNG or JPEG file by its extension.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The decoded images named by their paths in the folder, their labels (sub-folder names, mapped
    /// through <paramref name="classes"/> or in ordinal order), a combined SHA-256 of every file, and the image shape.</summary>
    /// <param name="folder">The folder to read.</param>
    /// <param name="channels">1 converts to grayscale (ITU-R BT.601 luma), 3 keeps RGB.</param>
    /// <param name="size">Resize every image to this (width, height); null requires one size throughout.</param>
    /// <param name="classes">Class names already known (from a training folder), or null to take this folder's.</param>
    /// <exception cref="InvalidDataException">No images, an image that does not decode, mixed sizes without a size, or an unknown class.</exception>
    public static (DataSplit Split, IReadOnlyList<string> Classes, string Sha256, ImageShape Shape) Read(
        string folder, int channels, (int Width, int Height)? size, IReadOnlyList<string>? classes = null)
    {
        string[] subfolders = [.. Directory.GetDirectories(folder).Order(StringComparer.Ordinal)];
        bool labelled = subfolders.Length > 0;
        IReadOnlyList<string> names = classes ?? [.. subfolders.Select(Path.GetFileName).OfType<string>()];
        var files = new List<(string Path, int Label)>();
        foreach (string sub in labelled ? subfolders : [folder])
        {
            int label = labelled ? IndexOf(names, Path.GetFileName(sub), folder) : -1;
            files.AddRange(Directory.GetFiles(sub).Where(IsImage).Order(StringComparer.Ordinal).Select(f => (f, label)));
        }
        if (files.Count == 0)
            throw new InvalidDataException($"{folder}: expected PNG or JPEG images, in class sub-folders or directly, found none");

        (int Width, int Height) shape = size ?? Dimensions(files[0].Path);
        var image = new ImageShape(channels, shape.Height, shape.Width);
        var rows = new float[(long)files.Count * image.Size];
        // Each image has its own slot, so decoding in parallel gives the same rows in the same order, and
        // of several bad files the first in that order is reported, whichever thread met it first.
        var errors = new InvalidDataException?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try
            {
                Decode(files[i].Path, image, size is null, rows.AsSpan(i * image.Size, image.Size));
            }
            catch (InvalidDataException e)
            {
                errors[i] = e;
            }
        });
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
        // Each row is named by its path in the folder ("7/digit-0042.png"), with / on every system.
        string[] rowNames = [.. files.Select(f => Path.GetRelativePath(folder, f.Path).Replace(Path.DirectorySeparatorChar, '/'))];
        return (new DataSplit(rows, image.Size, labelled ? [.. files.Select(f => f.Label)] : null, rowNames), names, Hash(folder, files.Select(f => f.Path)), image);
    }

    static int IndexOf(IReadOnlyList<string> names, string? name, string folder)
    {
        for (int i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new InvalidDataException($"{folder}: expected class sub-folders among [{string.Join(", ", names)}] as in the training folder, found '{name}'");
    }

    static (int Width, int Height) Dimensions(string path)
    {
        using SKCodec codec = Open(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    static SKCodec Open(string path)
    {
        SKCodec codec = SKCodec.Create(path, out SKCodecResult result)
            ?? throw new InvalidDataException($"{path}: expected a PNG or JPEG image, found data SkiaSharp cannot decode ({result})");
        (int width, int height) = (codec.Info.Width, codec.Info.Height);
        if (width is > 0 and <= MaxSide && height is > 0 and <= MaxSide) return codec;
        codec.Dispose();
        throw new InvalidDataException($"{path}: expected an image of at most {MaxSide}x{MaxSide} pixels, found {width}x{height} in its header");
    }

    static void Decode(string path, ImageShape shape, bool exactSize, Span<float> row)
    {
        using SKCodec codec = Open(path);
        if (exactSize && (codec.Info.Width != shape.Width || codec.Info.Height != shape.Height))
            throw new InvalidDataException(
                $"{path}: expected {shape.Width}x{shape.Height} like the first image, found {codec.Info.Width}x{codec.Info.Height} (give --image-size WxH to resize)");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var decoded = new SKBitmap(info);
        SKCodecResult result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"{path}: expected a complete image, found {result} while decoding");
        using SKBitmap bitmap = exactSize ? decoded.Copy() : decoded.Resize(
            new SKImageInfo(shape.Width, shape.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKCubicResampler.Mitchell));

        ReadOnlySpan<byte> pixels = bitmap.GetPixelSpan();
        int plane = shape.Height * shape.Width;
        for (int y = 0; y < shape.Height; y++)
            for (int x = 0; x < shape.Width; x++)
            {
                ReadOnlySpan<byte> rgba = pixels.Slice(y * bitmap.RowBytes + 4 * x, 4);
                int at = y * shape.Width + x;
                if (shape.Channels == 1)
                    row[at] = (byte)Math.Round(0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2]) / ImageBytes.Divisor;
                else
                    for (int c = 0; c < 3; c++) row[c * plane + at] = rgba[c] / ImageBytes.Divisor;
            }
    }

    // One digest over every file's relative path and bytes, in reading order: a manifest names the
    // folder's content without listing thousands of files.
    static string Hash(string folder, IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
