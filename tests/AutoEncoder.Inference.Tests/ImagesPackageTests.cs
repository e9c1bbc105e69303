using System.Globalization;
using AutoEncoder.Inference.Images;
using AutoEncoder.Tests.Support;
using SkiaSharp;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>The images package works for an app that has nothing but the packages: Skia's native library comes with it.</summary>
[Trait("Category", "Slow")]
public sealed class ImagesPackageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_fresh_app_encodes_a_png_from_the_packages_as_the_library_does()
    {
        string version = LocalPackages.UniqueVersion();
        string feed = Directory.CreateDirectory(folder.File("feed")).FullName;
        string app = Directory.CreateDirectory(folder.File("app")).FullName;
        LocalPackages.Pack(feed, version, "inference/AutoEncoder.Inference/AutoEncoder.Inference.csproj", "inference/AutoEncoder.Inference.Images/AutoEncoder.Inference.Images.csproj");
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
              <ItemGroup><PackageReference Include="AutoEncoder.Inference.Images" Version="{version}" /></ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using AutoEncoder.Inference;
            using AutoEncoder.Inference.Images;
            using Encoder encoder = Encoder.LoadDefault();
            using FileStream image = File.OpenRead(args[0]);
            Console.WriteLine(string.Join(" ", encoder.EncodeImage(image).Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            """);
        using var bitmap = new SKBitmap(60, 40);
        bitmap.Erase(SKColors.White);
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 4, IsAntialias = true })
            canvas.DrawLine(20, 5, 35, 35, pen);
        string png = folder.File("stroke.png");
        using (SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(png, data.ToArray());
        LocalPackages.UseFeed(app, feed);
        LocalPackages.Dotnet(app, "build", "-c", "Release", "--nologo", "-v", "quiet");

        string output = LocalPackages.Dotnet(app, Path.Combine("bin", "Release", "net10.0", "App.dll"), png);

        using Encoder encoder = Encoder.LoadDefault();
        Assert.Equal(encoder.EncodeImage(File.ReadAllBytes(png)), output.Trim().Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Contains(LocalPackages.RestoredLibraries(app), name => name.StartsWith("SkiaSharp.NativeAssets.Linux.NoDependencies/", StringComparison.Ordinal));
    }
}
