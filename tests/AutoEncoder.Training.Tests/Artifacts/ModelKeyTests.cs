using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Artifacts;

/// <summary>
/// scripts/model-key.sh, which decides whether the build retrains a committed model: run on a small
/// repository laid out like ours, with the script itself copied in.
/// </summary>
public sealed class ModelKeyTests : IDisposable
{
    private readonly TempFolder repository = new();

    public ModelKeyTests() => Lay(repository.Path);

    public void Dispose() => repository.Dispose();

    static void Lay(string root)
    {
        foreach ((string path, string text) in new[]
        {
            ("scripts/model-key.sh", File.ReadAllText(Path.Combine(Repository.Root, "scripts", "model-key.sh"))),
            ("training/Fitting/Trainer.cs", "class Trainer {}"),
            ("training/Bench/TrainingBenchmark.cs", "class TrainingBenchmark {}"),
            ("training/Plots/LatentPlot.cs", "class LatentPlot {}"),
            ("training/Cli/BenchCommand.cs", "class BenchCommand {}"),
            ("training/Cli/TrainCommand.cs", "class TrainCommand {}"),
            ("inference/Encoder.cs", "class Encoder {}"),
            ("inference/samples/EncoderService/Program.cs", "class Program {}"),
            ("Directory.Build.props", "<Project />"),
            ("Directory.Packages.props", "<Project />"),
            ("global.json", "{}"),
            ("models/deep/config.json", """{ "preset": "deep" }"""),
            ("data/mnist/train-images-idx3-ubyte", "pixels"),
        })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), text);
        }
    }

    static (int Code, string Output) KeyOf(string root) =>
        ExternalProcess.Run("bash", root, "scripts/model-key.sh", "models/deep/config.json", "data/mnist");

    string Key()
    {
        (int code, string output) = KeyOf(repository.Path);
        Assert.True(code == 0, output);
        return output.Trim();
    }

    void Append(string path) => File.AppendAllText(Path.Combine(repository.Path, path), "\n// changed");

    [Fact]
    public void A_key_is_one_sha256()
    {
        Assert.Matches("^[0-9a-f]{64}$", Key());
    }

    [Theory]
    [InlineData("training/Fitting/Trainer.cs", true)]
    [InlineData("training/Cli/TrainCommand.cs", true)]
    [InlineData("inference/Encoder.cs", true)]
    [InlineData("Directory.Packages.props", true)]
    [InlineData("models/deep/config.json", true)]
    [InlineData("data/mnist/train-images-idx3-ubyte", true)]
    [InlineData("training/Bench/TrainingBenchmark.cs", false)]
    [InlineData("training/Plots/LatentPlot.cs", false)]
    [InlineData("training/Cli/BenchCommand.cs", false)]
    [InlineData("inference/samples/EncoderService/Program.cs", false)]
    public void A_change_changes_the_key_exactly_when_training_reads_the_file(string path, bool trainingReadsIt)
    {
        string before = Key();

        Append(path);

        Assert.Equal(trainingReadsIt, before != Key());
    }

    [Fact]
    public void A_build_output_beside_the_sources_leaves_the_key()
    {
        string before = Key();

        Directory.CreateDirectory(Path.Combine(repository.Path, "training", "obj"));
        File.WriteAllText(Path.Combine(repository.Path, "training", "obj", "Generated.cs"), "class Generated {}");

        Assert.Equal(before, Key());
    }

    [Fact]
    public void The_key_is_the_same_in_a_clone_elsewhere()
    {
        using var elsewhere = new TempFolder();
        Lay(elsewhere.Path);

        (int code, string output) = KeyOf(elsewhere.Path);

        Assert.True(code == 0, output);
        Assert.Equal(Key(), output.Trim());
    }

    [Fact]
    public void A_missing_data_folder_is_one_line_naming_it()
    {
        Directory.Delete(Path.Combine(repository.Path, "data", "mnist"), recursive: true);

        (int code, string output) = KeyOf(repository.Path);

        Assert.Equal(1, code);
        Assert.Equal("error: data folder data/mnist not found (run make data)", output.Trim());
    }
}
