using System.Reflection.PortableExecutable;
using AutoEncoder.ModelKey;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AutoEncoder.Training.Tests.Build;

/// <summary>
/// The part of the training key that stands for code: variants of one small source, compiled in memory
/// as the build compiles (optimised, deterministic), must keep or change the fingerprint exactly as their
/// results would.
/// </summary>
public sealed class AssemblyFingerprintTests
{
    const string Source = """
        using System;
        using System.Linq;

        namespace Sample;

        public sealed record Settings(int Epochs, float Rate);

        public static class Step
        {
            static ReadOnlySpan<byte> Table => [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

            public static float Update(float weight, float gradient, Settings settings)
            {
                float scaled = gradient * settings.Rate;
                return weight - scaled + Table[3];
            }

            public static float Sum(float[] values) => values.Select(v => v * 2f).Sum();

            public static string Describe(Settings settings) => $"{settings.Epochs} epochs";
        }
        """;

    const string Helper = """
        namespace Sample;

        public static class Helper
        {
            public static int Twice(int value) => value * 2;
        }
        """;

    static string Fingerprint(params string[] sources) => FingerprintAt("File", sources);

    static string FingerprintAt(string folder, params string[] sources)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Sample",
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, path: $"/{folder}/File{i}.cs", encoding: System.Text.Encoding.UTF8)), references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                deterministic: true, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        using var pdb = new MemoryStream();
        var emitted = compilation.Emit(image, pdb);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        using var pe = new PEReader(image);
        return AssemblyFingerprint.Text(pe);
    }

    [Fact]
    public void Comments_formatting_using_order_and_local_names_leave_it()
    {
        string edited = Source
            .Replace("using System;\nusing System.Linq;", "using System.Linq;\nusing System;")
            .Replace("float scaled = gradient * settings.Rate;", "// the step, scaled\n        float   step =gradient*settings.Rate ;")
            .Replace("return weight - scaled", "return weight - step")
            .Replace("values.Select(v => v * 2f)", "values.Select(value =>\n            value * 2f)");
        Assert.NotEqual(Source, edited);

        Assert.Equal(Fingerprint(Source), Fingerprint(edited));
    }

    [Fact]
    public void The_order_of_source_files_leaves_it()
    {
        Assert.Equal(Fingerprint(Source, Helper), Fingerprint(Helper, Source));
    }

    [Fact]
    public void The_folder_a_file_local_type_is_compiled_in_leaves_it()
    {
        // The regex source generator writes such types; their names carry a hash of the file's path,
        // which differs between clones and under CI's path map.
        const string withFileType = Helper + "\nfile static class Hidden { public static int One() => 1; }\n";

        Assert.Equal(FingerprintAt("work/main", withFileType), FingerprintAt("_", withFileType));
    }

    [Fact]
    public void A_change_of_arithmetic_changes_it()
    {
        Assert.NotEqual(Fingerprint(Source), Fingerprint(Source.Replace("weight - scaled", "weight + scaled")));
    }

    [Fact]
    public void A_change_of_a_constant_changes_it()
    {
        Assert.NotEqual(Fingerprint(Source), Fingerprint(Source.Replace("v * 2f", "v * 3f")));
    }

    [Fact]
    public void A_change_of_static_data_changes_it()
    {
        Assert.NotEqual(Fingerprint(Source), Fingerprint(Source.Replace("9, 10, 11, 12", "9, 10, 11, 13")));
    }

    [Fact]
    public void A_change_of_a_string_changes_it()
    {
        Assert.NotEqual(Fingerprint(Source), Fingerprint(Source.Replace("epochs\"", "epoch(s)\"")));
    }

    [Fact]
    public void A_renamed_member_that_reaches_serialised_output_changes_it()
    {
        // A record's property names are what System.Text.Json writes into manifests and metadata.
        Assert.NotEqual(Fingerprint(Source), Fingerprint(Source.Replace("Epochs", "EpochCount")));
    }
}
