using AutoEncoder.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit.Sdk;

namespace AutoEncoder.Service.Tests.Support;

/// <summary>
/// Debian's Chromium driven through Debian's chromedriver (`make browser-tools` installs both). Paths are
/// given explicitly so that Selenium never tries to download a browser or driver, which this network forbids;
/// the flags keep Chromium from reaching for Google's services at start, which fail here too.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    const string Browser = "/usr/bin/chromium";
    const string Driver = "/usr/bin/chromedriver";
    private readonly TempFolder profile = new();

    public HeadlessChromium(int width, int height)
    {
        if (!File.Exists(Browser) || !File.Exists(Driver))
            throw new XunitException($"expected Debian's chromium and chromium-driver ({Browser}, {Driver}), found them missing: run `make browser-tools`");
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            $"--window-size={width},{height}", $"--user-data-dir={profile.Path}");
        Page = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public ChromeDriver Page { get; }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static void WaitFor(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new XunitException($"expected {what} within {seconds} s, found it had not happened");
            Thread.Sleep(50);
        }
    }

    public object? Script(string script, params object[] args) => ((IJavaScriptExecutor)Page).ExecuteScript(script, args);

    public void Dispose()
    {
        Page.Quit();
        profile.Dispose();
    }
}
