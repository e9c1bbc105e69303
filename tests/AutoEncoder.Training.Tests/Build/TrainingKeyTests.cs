using AutoEncoder.ModelKey;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Build;

/// <summary>
/// The training key of a committed model, computed on the training app as built here (the same call as
/// models/AutoEncoder.Models.csproj makes), with files copied into a scratch repository where a test
/// changes one.
/// </summary>
public sealed class TrainingKeyTests : IDisposable
{
    private readonly TempFolder scratch = new();

    public void Dispose() => scratch.Dispose();

    static string App => typeof(AutoEncoder.Training.Cli.App).Assembly.Location;

    static string Assets => Path.Combine(Repository.Root, "training", "AutoEncoder.Training", "obj", "project.assets.json");

    TrainingKey KeyIn(string root, string? assets = null) => new(
        root, App, assets ?? Assets, "sdk 10 runtime 10",
        Path.Combine(root, "models", "config.json"), Path.Combine(root, "data"), [Path.Combine(root, "build", "fix.targets")]);

    string Lay(string root)
    {
        foreach ((string path, string text) in new[]
        {
            ("models/config.json", """{ "preset": "seed" }"""),
            ("data/train-images-idx3-ubyte", "pixels"),
            ("build/fix.targets", "<Project />"),
        })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), text);
        }
        return root;
    }

    [Fact]
    public void A_key_is_one_sha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", KeyIn(Lay(scratch.Path)).Value());
    }

    [Fact]
    public void It_names_every_project_assembly_training_loads()
    {
        string[] assemblies = KeyIn(Lay(scratch.Path)).Listing().Where(line => line.StartsWith("assembly ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[1]).ToArray();

        Assert.Equal(["AutoEncoder.Inference.Images.dll", "AutoEncoder.Inference.dll", "AutoEncoder.ModelFormat.dll", "AutoEncoder.Onnx.dll", "autoencoder.dll"], assemblies);
    }

    [Fact]
    public void The_key_is_the_same_in_a_clone_elsewhere()
    {
        using var elsewhere = new TempFolder();

        Assert.Equal(KeyIn(Lay(scratch.Path)).Value(), KeyIn(Lay(elsewhere.Path)).Value());
    }

    [Theory]
    [InlineData("models/config.json")]
    [InlineData("data/train-images-idx3-ubyte")]
    [InlineData("build/fix.targets")]
    public void A_change_to_a_keyed_file_changes_it(string path)
    {
        string root = Lay(scratch.Path);
        string before = KeyIn(root).Value();

        File.AppendAllText(Path.Combine(root, path), " ");

        Assert.NotEqual(before, KeyIn(root).Value());
    }

    [Fact]
    public void A_package_only_tests_use_is_not_in_the_graph()
    {
        string graph = PackageGraph.Text(Assets);

        Assert.Contains("TorchSharp-cpu/", graph, StringComparison.Ordinal);
        Assert.DoesNotContain("xunit", graph, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.CSharp/", graph, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_version_of_a_package_training_resolves_changes_it()
    {
        string root = Lay(scratch.Path);
        string bumped = Path.Combine(root, "project.assets.json");
        File.WriteAllText(bumped, File.ReadAllText(Assets).Replace("\"Sylvan.Data.Csv/1.4.4\"", "\"Sylvan.Data.Csv/1.4.5\"", StringComparison.Ordinal));

        Assert.NotEqual(KeyIn(root).Value(), KeyIn(root, bumped).Value());
    }

    [Fact]
    public void Paths_in_the_assets_file_leave_it()
    {
        string root = Lay(scratch.Path);
        string moved = Path.Combine(root, "project.assets.json");
        File.WriteAllText(moved, File.ReadAllText(Assets).Replace(Repository.Root, "/elsewhere/clone", StringComparison.Ordinal));

        Assert.Equal(KeyIn(root).Value(), KeyIn(root, moved).Value());
    }

    [Fact]
    public void A_missing_data_folder_is_one_line_naming_it()
    {
        string root = Lay(scratch.Path);
        Directory.Delete(Path.Combine(root, "data"), recursive: true);

        var error = Assert.Throws<DirectoryNotFoundException>(() => KeyIn(root).Value());

        Assert.Equal("data: expected the model's data folder, found nothing (run make data)", error.Message);
    }
}
