using System.Text.RegularExpressions;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests;

/// <summary>
/// The training app's folders are layers that point one way: a namespace may use its own layer and those
/// below it, never one above. Read from the sources, where every cross-layer use is a <c>using</c>
/// directive or a qualified name (no type lives in the root namespace to reach past them).
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Bottom first. Bench sits above Fitting because it times the real training loop.</summary>
    private static readonly string[] Layers = ["IO", "Data", "Config", "Preprocessing", "Kernels", "Network", "Export", "Artifacts", "Fitting", "Evaluation", "Plots", "Bench", "Cli"];

    private static string TrainingFolder => Path.Combine(Repository.Root, "training", "AutoEncoder.Training");

    private static IEnumerable<string> Sources() =>
        Directory.EnumerateFiles(TrainingFolder, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") &&
                            !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));

    private static string LayerOf(string path) => Path.GetRelativePath(TrainingFolder, path).Split(Path.DirectorySeparatorChar)[0];

    [Fact]
    public void Every_folder_is_a_known_layer_and_every_file_declares_its_folders_namespace()
    {
        foreach (string path in Sources().Where(p => Path.GetDirectoryName(p) != TrainingFolder))
        {
            string layer = LayerOf(path);
            Assert.Contains(layer, Layers);
            string relative = Path.GetDirectoryName(Path.GetRelativePath(TrainingFolder, path))!.Replace(Path.DirectorySeparatorChar, '.');
            Assert.Matches($"(?m)^namespace AutoEncoder\\.Training\\.{Regex.Escape(relative)};", File.ReadAllText(path));
        }
    }

    [Fact]
    public void No_layer_uses_a_layer_above_it()
    {
        var violations = new List<string>();
        foreach (string path in Sources().Where(p => Path.GetDirectoryName(p) != TrainingFolder))
        {
            int own = Array.IndexOf(Layers, LayerOf(path));
            // Comments may name anything; code may not.
            string code = Comment().Replace(File.ReadAllText(path), "");
            foreach (Match use in UsedLayer().Matches(code))
            {
                int used = Array.IndexOf(Layers, use.Groups[1].Value);
                if (used > own) violations.Add($"{Path.GetRelativePath(Repository.Root, path)} ({Layers[own]}) uses {use.Groups[1].Value}");
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void The_check_sees_an_upward_use()
    {
        // The pattern the test relies on, applied to a line that breaks the rule.
        Assert.Equal("Fitting", UsedLayer().Match("using AutoEncoder.Training.Fitting;").Groups[1].Value);
        Assert.Equal("Cli", UsedLayer().Match("var x = AutoEncoder.Training.Cli.App.Run(args);").Groups[1].Value);
    }

    [GeneratedRegex(@"AutoEncoder\.Training\.(\w+)")]
    private static partial Regex UsedLayer();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();
}
