using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Data;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Service.Tests.Support;

/// <summary>Request bodies and response checks the service tests share.</summary>
internal static class Requests
{
    static readonly Lazy<(byte[] Images, byte[] Labels)> Mnist = new(() =>
        (IdxReader.Read(Path.Combine(Repository.MnistFolder, "t10k-images-idx3-ubyte"), 3).Data,
         IdxReader.Read(Path.Combine(Repository.MnistFolder, "t10k-labels-idx1-ubyte"), 1).Data));

    /// <summary>MNIST test image <paramref name="index"/> as bytes 0–255.</summary>
    public static byte[] TestImage(int index) => Mnist.Value.Images.AsSpan(index * 784, 784).ToArray();

    /// <summary>The labels of MNIST's test set.</summary>
    public static byte[] TestLabels => Mnist.Value.Labels;

    /// <summary>MNIST test images <paramref name="first"/>… as rows of values in [0, 1], the models' input.</summary>
    public static float[][] TestRows(int first, int count) =>
        Enumerable.Range(first, count).Select(i => TestImage(i).Select(b => b / 255f).ToArray()).ToArray();

    public static HttpContent Json(object body) => JsonContent.Create(body);

    public static HttpContent Raw(string body, string mediaType = "application/json") =>
        new StringContent(body, Encoding.UTF8, mediaType);

    public static HttpContent Bytes(byte[] body, string mediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>Rows as the service's binary form: little-endian float32, row after row.</summary>
    public static byte[] Float32(float[] rows)
    {
        var bytes = new byte[rows.Length * sizeof(float)];
        for (int i = 0; i < rows.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), rows[i]);
        return bytes;
    }

    /// <summary>A PNG of <paramref name="pixels"/> (side × side, 0–255), drawn <paramref name="zoom"/> times larger, dark ink on white when <paramref name="inverted"/>.</summary>
    public static byte[] Png(byte[] pixels, int side, int zoom, bool inverted) => Encode(pixels, side, zoom, inverted, SKEncodedImageFormat.Png);

    /// <summary>As <see cref="Png"/>, as a JPEG of quality 80.</summary>
    public static byte[] Jpeg(byte[] pixels, int side, int zoom, bool inverted) => Encode(pixels, side, zoom, inverted, SKEncodedImageFormat.Jpeg);

    static byte[] Encode(byte[] pixels, int side, int zoom, bool inverted, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(side * zoom, side * zoom, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < side * zoom; y++)
            for (int x = 0; x < side * zoom; x++)
            {
                byte value = pixels[y / zoom * side + x / zoom];
                bitmap.SetPixel(x, y, inverted ? new SKColor((byte)(255 - value), (byte)(255 - value), (byte)(255 - value)) : new SKColor(value, value, value));
            }
        using SKData encoded = bitmap.Encode(format, format == SKEncodedImageFormat.Jpeg ? 80 : 100);
        return encoded.ToArray();
    }

    /// <summary>Asserts an RFC 7807 problem response with <paramref name="status"/> whose detail contains <paramref name="detail"/>.</summary>
    public static async Task AssertProblem(HttpResponseMessage response, int status, string detail)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected status {status}, found {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        string found = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.True(found.Contains(detail, StringComparison.Ordinal), $"expected a detail containing '{detail}', found '{found}'");
    }
}
