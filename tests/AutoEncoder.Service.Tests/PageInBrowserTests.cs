using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AutoEncoder.Samples.EncoderService.Api;
using AutoEncoder.Service.Tests.Support;
using AutoEncoder.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// The map page in a real browser against the service on a real socket: a stroke drawn with the mouse
/// moves the point on the map to the code the service computes for the drawing, and shows the decoder's
/// reconstruction and its nearest test images; a click on the map shows what the decoder draws there. With AUTOENCODER_SCREENSHOT set,
/// the page is saved there as a PNG (`make screenshot` writes README's picture this way).
/// </summary>
[Trait("Category", "Slow")]
public sealed class PageInBrowserTests : IDisposable
{
    private readonly ServiceFactory service = new ServiceFactory().With("AutoEncoder:ModelDirectory", Path.Combine(Repository.ModelsFolder, "deep"));
    private readonly HeadlessChromium browser;
    private readonly Uri address;

    public PageInBrowserTests()
    {
        service.UseKestrel(0);
        service.StartServer();
        address = new Uri(service.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        browser = new HeadlessChromium(1200, 960);
        browser.Page.Navigate().GoToUrl(address);
        HeadlessChromium.WaitFor(() => browser.Script("return document.body.dataset.mapReady") as string == "true", "the map to load");
    }

    [Fact]
    public async Task A_drawn_stroke_moves_the_point_to_the_drawingʼs_code_and_shows_its_reconstruction()
    {
        DrawSeven();

        HeadlessChromium.WaitFor(() => DecodedSource() == "Reconstruction of the drawing" && !Busy(), "the reconstruction of the drawing");
        float[] shown = JsonSerializer.Deserialize<float[]>((string)browser.Script("return document.getElementById('code').dataset.code")!)!;
        Assert.Equal(await EncodeAsService(), shown);
        Assert.True(LitPixels("#decoded") > 0, "expected a reconstruction with lit pixels, found a black canvas");
        Assert.Equal("rgba(255,255,255,255)", MarkerPixel());
        SaveScreenshotIfAsked();
    }

    [Fact]
    public async Task A_drawn_digit_shows_its_nearest_test_images_as_the_service_finds_them()
    {
        DrawSeven();

        HeadlessChromium.WaitFor(() => browser.Script("return document.getElementById('neighbors').dataset.ids") is string && !Busy(), "the nearest test images");
        long[] shown = JsonSerializer.Deserialize<long[]>((string)browser.Script("return document.getElementById('neighbors').dataset.ids")!)!;
        Assert.Equal(await SimilarAsService(8), shown);
        Assert.Equal(8L, Convert.ToInt64(browser.Script("return document.querySelectorAll('#neighbors canvas').length"), CultureInfo.InvariantCulture));
        Assert.True(LitPixels("#neighbors canvas") > 0, "expected neighbour images with lit pixels, found black canvases");
    }

    [Fact]
    public void A_click_on_the_map_shows_what_the_decoder_draws_there()
    {
        IWebElement map = browser.Page.FindElement(By.Id("map"));
        new Actions(browser.Page).MoveToElement(map, 40, -60).Click().Perform();

        HeadlessChromium.WaitFor(() => DecodedSource()?.StartsWith("Decoder output at (", StringComparison.Ordinal) == true, "the decoder's image of the clicked point");
        Assert.True(LitPixels("#decoded") > 0, "expected a decoded image with lit pixels, found a black canvas");
    }

    [Fact]
    public void With_a_map_encoder_and_no_decoder_the_page_maps_the_drawing_and_hides_the_decoder()
    {
        using var umap = new ServiceFactory().With("AutoEncoder:ModelDirectory", Path.Combine(Repository.ModelsFolder, "umap")).With("AutoEncoder:Models", "Encoder");
        umap.UseKestrel(0);
        umap.StartServer();
        browser.Page.Navigate().GoToUrl(new Uri(umap.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
        HeadlessChromium.WaitFor(() => browser.Script("return document.body.dataset.mapReady") as string == "true", "the UMAP map to load");

        DrawSeven();

        HeadlessChromium.WaitFor(() => browser.Script("return document.getElementById('neighbors').dataset.ids") is string && !Busy(), "the nearest test images");
        Assert.Equal("false", browser.Script("return document.body.dataset.decoder"));
        Assert.Equal(true, browser.Script("return document.getElementById('decoder-panel').hidden"));
        Assert.Equal(false, browser.Script("return document.getElementById('status').classList.contains('error')"));
        float[] shown = JsonSerializer.Deserialize<float[]>((string)browser.Script("return document.getElementById('code').dataset.code")!)!;
        Assert.Equal(2, shown.Length);
    }

    [Fact]
    public void Pointing_at_a_dot_names_its_test_row_and_label_and_the_map_has_axes()
    {
        double[] target = JsonSerializer.Deserialize<double[]>((string)browser.Script("return JSON.stringify(toPixel(map.points[0]))")!)!;
        IWebElement map = browser.Page.FindElement(By.Id("map"));

        new Actions(browser.Page).MoveToElement(map, (int)Math.Round(target[0]) - map.Size.Width / 2, (int)Math.Round(target[1]) - map.Size.Height / 2).Perform();

        HeadlessChromium.WaitFor(() => browser.Script("return document.getElementById('hover').dataset.row") is string { Length: > 0 }, "a named dot");
        int row = int.Parse((string)browser.Script("return document.getElementById('hover').dataset.row")!, CultureInfo.InvariantCulture);
        double[] named = JsonSerializer.Deserialize<double[]>((string)browser.Script($"return JSON.stringify(toPixel(map.points[{row}]))")!)!;
        // The dot named is the nearest to the pointer: within the 6 pixels the page allows of the one aimed at (2 for rounding).
        Assert.InRange(Math.Sqrt(Math.Pow(named[0] - target[0], 2) + Math.Pow(named[1] - target[1], 2)), 0, 8);
        string text = (string)browser.Script("return document.getElementById('hover').textContent")!;
        Assert.StartsWith($"test row {row.ToString("N0", CultureInfo.GetCultureInfo("en-US"))}: label {Requests.TestLabels[row]} at (", text, StringComparison.Ordinal);
        using JsonDocument ticks = JsonDocument.Parse((string)browser.Script("return document.getElementById('map').dataset.ticks")!);
        Assert.InRange(ticks.RootElement.GetProperty("x").GetArrayLength(), 3, 11);
        Assert.InRange(ticks.RootElement.GetProperty("y").GetArrayLength(), 3, 11);
        Assert.StartsWith("10,000 test rows.", (string)browser.Script("return document.getElementById('status').textContent")!, StringComparison.Ordinal);
    }

    // One stroke with the mouse, a 7: across the top, then down to the left.
    private void DrawSeven()
    {
        IWebElement canvas = browser.Page.FindElement(By.Id("draw"));
        new Actions(browser.Page)
            .MoveToElement(canvas, -60, -90).ClickAndHold()
            .MoveByOffset(110, 0).MoveByOffset(-50, 90).MoveByOffset(-30, 90)
            .Release().Perform();
    }

    // The drawing as the page sent it (a PNG of the canvas), encoded by the service directly.
    private async Task<float[]> EncodeAsService()
    {
        using var client = new HttpClient { BaseAddress = address };
        HttpResponseMessage response = await client.PostAsync(new Uri("/encode", UriKind.Relative), Requests.Bytes(DrawingPng(), "image/png"));
        return (await response.Content.ReadFromJsonAsync<EmbeddingsResponse>())!.Embeddings[0];
    }

    // The ids the service finds for the drawing as the page sent it.
    private async Task<long[]> SimilarAsService(int k)
    {
        using var client = new HttpClient { BaseAddress = address };
        HttpResponseMessage response = await client.PostAsync(new Uri($"/similar?k={k}", UriKind.Relative), Requests.Bytes(DrawingPng(), "image/png"));
        return [.. (await response.Content.ReadFromJsonAsync<SimilarResponse>())!.Neighbors[0].Select(n => n.Id)];
    }

    private byte[] DrawingPng()
    {
        string dataUrl = (string)browser.Script("return document.getElementById('draw').toDataURL('image/png')")!;
        return Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    private string? DecodedSource() => browser.Script("return document.getElementById('decoded').dataset.source") as string;

    private bool Busy() => browser.Script("return busy || pending") is true;

    // Lit pixels summed over the canvases the CSS selector names.
    private long LitPixels(string selector) => Convert.ToInt64(browser.Script(
        "let lit = 0; for (const c of document.querySelectorAll(arguments[0])) {" +
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; for (let i = 0; i < d.length; i += 4) if (d[i] > 40) lit++; } return lit;",
        selector), CultureInfo.InvariantCulture);

    // The centre of the marker the page draws (white disc, black ring) at the code's position.
    private string MarkerPixel() => (string)browser.Script(
        "const [x, y] = toPixel(marker); const d = document.getElementById('map').getContext('2d').getImageData(Math.round(x), Math.round(y), 1, 1).data;" +
        "return `rgba(${d[0]},${d[1]},${d[2]},${d[3]})`;")!;

    private void SaveScreenshotIfAsked()
    {
        if (Environment.GetEnvironmentVariable("AUTOENCODER_SCREENSHOT") is string path && path.Length > 0)
            browser.Page.GetScreenshot().SaveAsFile(path);
    }

    public void Dispose()
    {
        browser.Dispose();
        service.Dispose();
    }
}
