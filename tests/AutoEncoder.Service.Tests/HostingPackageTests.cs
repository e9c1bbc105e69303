using System.Globalization;
using AutoEncoder.Inference;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Service.Tests;

/// <summary>
/// The hosting package works for an app that has nothing but the packages: a worker-style console app on
/// the generic host (no ASP.NET Core), restoring both packages from a local feed.
/// </summary>
[Trait("Category", "Slow")]
public sealed class HostingPackageTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_generic_host_app_registers_the_packaged_encoder_from_configuration_and_fails_at_start_on_a_bad_one()
    {
        string version = LocalPackages.UniqueVersion();
        string feed = Directory.CreateDirectory(folder.File("feed")).FullName;
        string app = Directory.CreateDirectory(folder.File("app")).FullName;
        LocalPackages.Pack(feed, version, "inference/AutoEncoder.Inference/AutoEncoder.Inference.csproj", "inference/AutoEncoder.Inference.Hosting/AutoEncoder.Inference.Hosting.csproj");
        LocalPackages.UseFeed(app, feed);
        File.WriteAllText(Path.Combine(app, "HostApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AutoEncoder.Inference.Hosting" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="8.0.1" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using AutoEncoder.Inference;
            using AutoEncoder.Inference.Hosting;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddAutoEncoder(builder.Configuration.GetSection("AutoEncoder"));
            using IHost host = builder.Build();
            await host.StartAsync();
            float[] code = host.Services.GetRequiredService<Encoder>().Encode(new float[784]);
            Console.WriteLine(FormattableString.Invariant($"code {code[0]:R} {code[1]:R}"));
            await host.StopAsync();
            """);
        LocalPackages.Dotnet(app, "build", "-c", "Release", "--nologo", "-v", "quiet");
        string program = Path.Combine("bin", "Release", "net10.0", "HostApp.dll");

        string output = LocalPackages.Dotnet(app, program, "--AutoEncoder:Models=Encoder");
        (int failed, string failure) = ExternalProcess.Run("dotnet", app, [program, "--AutoEncoder:ModelDirectory=no-such-folder"]);

        using Encoder embedded = Encoder.LoadDefault();
        float[] expected = embedded.Encode(new float[784]);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"code {expected[0]:R} {expected[1]:R}"), output.Split('\n').Select(line => line.Trim()));
        Assert.NotEqual(0, failed);
        Assert.Contains(Path.Combine("no-such-folder", "encoder.onnx"), failure, StringComparison.Ordinal);
        string[] libraries = LocalPackages.RestoredLibraries(app);
        Assert.DoesNotContain(libraries, name => name.Contains("AspNetCore", StringComparison.OrdinalIgnoreCase) || name.Contains("torch", StringComparison.OrdinalIgnoreCase));
    }
}
