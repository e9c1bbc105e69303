using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using AutoEncoder.ModelKey;
using AutoEncoder.Tests.Support;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AutoEncoder.Training.Tests;

/// <summary>
/// The training app's folders are layers that point one way: a namespace may use its own layer and those
/// below it, never one above. Read from the compiled assembly, not the sources: every type, member and
/// method body a type's metadata and IL name counts, however the source spelled it. And between the
/// projects: the exporter library knows neither the training app nor ONNX Runtime.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Bottom first. Bench sits above Fitting because it times the real training loop.</summary>
    private static readonly string[] Layers =
        ["IO", "Storage", "Data", "Config", "Preprocessing", "Kernels", "Network", "Export", "Artifacts", "Fitting", "Evaluation", "Clustering", "Plots", "Bench", "Cli"];

    private const string Root = "AutoEncoder.Training";

    private static string TrainingFolder => Path.Combine(Repository.Root, "training", "AutoEncoder.Training");

    private static string Built(string assembly) => Path.Combine(AppContext.BaseDirectory, assembly);

    /// <summary>"Layer uses Layer" for every use of a higher layer by a type of <paramref name="assembly"/>'s layers.</summary>
    private static List<string> UpwardUses(PEReader assembly)
    {
        var violations = new List<string>();
        foreach ((string name, string text) in AssemblyFingerprint.Types(assembly))
        {
            int own = Array.IndexOf(Layers, LayerOf(name));
            if (own < 0) continue; // Program, compiler-generated helpers: not in a layer
            // Own types are named plainly; other assemblies' carry "[Assembly]" before the namespace.
            foreach (Match use in OwnLayerUse().Matches(text))
            {
                int used = Array.IndexOf(Layers, use.Groups[1].Value);
                if (used > own) violations.Add($"{name} ({Layers[own]}) uses {use.Value}");
            }
        }
        return violations;
    }

    private static string LayerOf(string typeName) =>
        typeName.StartsWith(Root + ".", StringComparison.Ordinal) ? typeName[(Root.Length + 1)..].Split('.', '/')[0] : "";

    private static PEReader Read(string path) => new(File.OpenRead(path));

    [Fact]
    public void Every_type_of_the_app_lives_in_a_known_layer()
    {
        using PEReader app = Read(Built("autoencoder.dll"));
        string[] unknown = [.. AssemblyFingerprint.Types(app).Select(t => t.Name)
            .Where(name => name.StartsWith(Root + ".", StringComparison.Ordinal) && !Layers.Contains(LayerOf(name)))];

        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_source_file_declares_its_folders_namespace()
    {
        foreach (string path in Directory.EnumerateFiles(TrainingFolder, "*.cs", SearchOption.AllDirectories)
                     .Where(p => Path.GetDirectoryName(p) != TrainingFolder && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                                 && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")))
        {
            string relative = Path.GetDirectoryName(Path.GetRelativePath(TrainingFolder, path))!.Replace(Path.DirectorySeparatorChar, '.');
            Assert.Matches($"(?m)^namespace AutoEncoder\\.Training\\.{Regex.Escape(relative)};", File.ReadAllText(path));
        }
    }

    [Fact]
    public void No_layer_of_the_app_uses_a_layer_above_it()
    {
        using PEReader app = Read(Built("autoencoder.dll"));

        Assert.Empty(UpwardUses(app));
    }

    [Fact]
    public void The_check_sees_an_upward_use_in_a_method_body_that_no_signature_shows()
    {
        // Data calls into Cli only inside a method body: a local of a Cli type, never a using or a parameter.
        const string source = """
            namespace AutoEncoder.Training.Cli { public static class Command { public static int Run() => 1; } }
            namespace AutoEncoder.Training.Data { public static class Reader { public static int Read() { int n = AutoEncoder.Training.Cli.Command.Run(); return n + 1; } } }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Sample", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var image = new MemoryStream();
        Assert.True(compilation.Emit(image).Success);
        image.Position = 0;
        using var assembly = new PEReader(image);

        string violation = Assert.Single(UpwardUses(assembly));
        Assert.StartsWith("AutoEncoder.Training.Data.Reader (Data) uses AutoEncoder.Training.Cli.Command", violation);
    }

    [Fact]
    public void The_exporter_library_references_only_the_model_contract_protobuf_and_torchsharp()
    {
        // It exports any TorchSharp module: neither the training app, the inference library nor ONNX Runtime.
        Assert.Equal(["AutoEncoder.ModelFormat", "Google.Protobuf", "TorchSharp"], ReferencesOf(Built("AutoEncoder.Onnx.dll")));
    }

    private static string[] ReferencesOf(string path)
    {
        using PEReader pe = Read(path);
        var reader = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return [.. reader.AssemblyReferences.Select(handle => reader.GetString(reader.GetAssemblyReference(handle).Name))
            .Where(name => name != "netstandard" && !name.StartsWith("System", StringComparison.Ordinal) && name != "mscorlib")
            .Order(StringComparer.Ordinal)];
    }

    // A use of one of the app's own namespaces: not preceded by "]" (another assembly's type) or a letter/dot.
    [GeneratedRegex(@"(?<![\]\w.])AutoEncoder\.Training\.(\w+)[\w.]*")]
    private static partial Regex OwnLayerUse();
}
