using System.Text.Json;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary><c>index</c> then <c>search</c> with the committed seed model on MNIST, checked against the library.</summary>
public sealed class IndexSearchCommandTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_test_row_finds_the_training_rows_the_library_finds_with_their_labels()
    {
        string index = folder.File("mnist.index");
        (int code, string output, string error) = ConsoleCapture.Run("index", "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder, "--out", index);
        Assert.True(code == 0, error);
        Assert.Contains("indexed 60,000/60,000 rows (100%)", error, StringComparison.Ordinal);

        (code, output, error) = ConsoleCapture.Run("search", "--index", index, "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder,
            "--row", "7", "-k", "5", "--json");

        Assert.True(code == 0, error);
        using Encoder encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        Neighbor[] expected = EmbeddingIndex.Load(index, encoder).SearchRow(TestRow(7), 5);
        using JsonDocument answer = JsonDocument.Parse(output);
        JsonElement query = Assert.Single(answer.RootElement.GetProperty("queries").EnumerateArray());
        Assert.Equal(7, query.GetProperty("row").GetInt32());
        JsonElement[] neighbors = [.. query.GetProperty("neighbors").EnumerateArray()];
        Assert.Equal(expected.Select(n => n.Id), neighbors.Select(n => n.GetProperty("id").GetInt64()));
        Assert.Equal(expected.Select(n => n.Distance), neighbors.Select(n => n.GetProperty("distance").GetSingle()));
        Assert.All(neighbors, n => Assert.InRange(n.GetProperty("label").GetInt32(), 0, 9));
    }

    [Fact]
    public void An_approximate_index_is_partitioned_and_searched_exactly_when_every_partition_is_probed()
    {
        string index = folder.File("mnist.index");
        (int code, _, string error) = ConsoleCapture.Run("index", "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder, "--out", index,
            "--approximate", "--partitions", "50");
        Assert.True(code == 0, error);

        using Encoder encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        EmbeddingIndex loaded = EmbeddingIndex.Load(index, encoder);
        Assert.Equal((50, EmbeddingIndex.SuggestedProbes(50)), (loaded.Partitions, loaded.Probes));
        (code, string output, error) = ConsoleCapture.Run("search", "--index", index, "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder,
            "--row", "7", "-k", "5", "--probes", "50", "--json");

        Assert.True(code == 0, error);
        loaded.Probes = 50;
        Neighbor[] expected = loaded.SearchRow(TestRow(7), 5);
        using JsonDocument answer = JsonDocument.Parse(output);
        Assert.Equal(expected.Select(n => n.Id), answer.RootElement.GetProperty("queries")[0].GetProperty("neighbors").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()));
    }

    [Fact]
    public void An_image_finds_what_the_library_finds_for_its_prepared_code()
    {
        string index = folder.File("mnist.index");
        (int code, _, string error) = ConsoleCapture.Run("index", "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder, "--out", index);
        Assert.True(code == 0, error);
        string png = folder.File("seven.png");
        using (var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(28, 28, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque)))
        {
            TestRow(0).Select(v => (byte)Math.Round(v * 255)).ToArray().CopyTo(bitmap.GetPixelSpan());
            using SkiaSharp.SKData data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(png, data.ToArray());
        }

        (code, string output, error) = ConsoleCapture.Run("search", "--index", index, "--models", Repository.ModelsFolder, "--data", Repository.MnistFolder,
            "--image", png, "-k", "5", "--json");

        Assert.True(code == 0, error);
        using Encoder encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        Neighbor[] expected = EmbeddingIndex.Load(index, encoder).Search(AutoEncoder.Inference.Images.EncoderImageExtensions.EncodeImage(encoder, File.ReadAllBytes(png)), 5);
        using JsonDocument answer = JsonDocument.Parse(output);
        Assert.Equal(expected.Select(n => n.Id), answer.RootElement.GetProperty("queries")[0].GetProperty("neighbors").EnumerateArray().Select(n => n.GetProperty("id").GetInt64()));
    }

    [Fact]
    public void An_image_folders_rows_are_keyed_and_found_by_their_file_names()
    {
        // 60 MNIST test images as PNGs in class folders: the data name their rows, and the index keeps the names.
        string images = folder.File("digits");
        (_, byte[] labels) = AutoEncoder.Training.Data.IdxReader.Read(Path.Combine(Repository.MnistFolder, "t10k-labels-idx1-ubyte"), 1);
        for (int row = 0; row < 60; row++) WritePng(Path.Combine(images, $"{labels[row]}", $"digit-{row:D2}.png"), TestRow(row));
        string index = folder.File("digits.index");
        (int code, string output, string error) = ConsoleCapture.Run("index", "--models", Repository.ModelsFolder, "--data", images, "--out", index);
        Assert.True(code == 0, error);
        Assert.Contains("codes named by the data", output, StringComparison.Ordinal);

        (code, output, error) = ConsoleCapture.Run("search", "--index", index, "--models", Repository.ModelsFolder, "--data", images, "--row", "0", "-k", "3", "--json");

        Assert.True(code == 0, error);
        using Encoder encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));
        EmbeddingIndex loaded = EmbeddingIndex.Load(index, encoder);
        using JsonDocument answer = JsonDocument.Parse(output);
        JsonElement[] neighbors = [.. answer.RootElement.GetProperty("queries")[0].GetProperty("neighbors").EnumerateArray()];
        Assert.Equal(3, neighbors.Length);
        foreach (JsonElement neighbor in neighbors)
        {
            string key = neighbor.GetProperty("key").GetString()!;
            Assert.Matches("^[0-9]/digit-[0-9]{2}\\.png$", key);
            Assert.Equal(loaded.KeyOf(neighbor.GetProperty("id").GetInt64()), key);
            // The label is the class folder the file lies in.
            Assert.Equal(key[0] - '0', neighbor.GetProperty("label").GetInt32());
        }
    }

    [Fact]
    public void Without_data_the_models_manifest_names_them()
    {
        string index = folder.File("mnist.index");
        (int code, string output, string error) = ConsoleCapture.Run("index", "--models", Path.Combine(Repository.ModelsFolder, "deep"), "--out", index);

        Assert.True(code == 0, error);
        Assert.Contains("60,000 codes of 2 values", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Partitions_without_approximate_are_one_line_naming_the_flag()
    {
        (int code, _, string error) = ConsoleCapture.Run("index", "--out", folder.File("x.index"), "--partitions", "5");

        Assert.Equal(1, code);
        Assert.Equal("error: --partitions: expected only with --approximate, found it without", error.Trim());
    }

    [Fact]
    public void A_search_without_a_query_is_one_line_naming_the_options()
    {
        (int code, _, string error) = ConsoleCapture.Run("search", "--index", folder.File("none.index"));

        Assert.Equal(1, code);
        Assert.Equal("error: expected one query: --row N, --csv FILE or --image FILE, found none", error.Trim());
    }

    private static void WritePng(string path, float[] row)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(28, 28, SkiaSharp.SKColorType.Gray8, SkiaSharp.SKAlphaType.Opaque));
        row.Select(v => (byte)Math.Round(v * 255)).ToArray().CopyTo(bitmap.GetPixelSpan());
        using SkiaSharp.SKData data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static float[] TestRow(int row)
    {
        (_, byte[] images) = AutoEncoder.Training.Data.IdxReader.Read(Path.Combine(Repository.MnistFolder, "t10k-images-idx3-ubyte"), 3);
        return [.. images.AsSpan(row * 784, 784).ToArray().Select(b => b / 255f)];
    }
}
