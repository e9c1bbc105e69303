using System.Text.RegularExpressions;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Artifacts;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace AutoEncoder.Training.Tests.Artifacts;

public sealed partial class TritonRepositoryTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [GeneratedRegex(@"\{ name: ""(?<name>[^""]+)"", data_type: (?<type>\w+), dims: \[ (?<dims>[^\]]*) \] \}")]
    private static partial Regex TensorPattern();

    // (name, type, dims) of each tensor the config declares in its input [ … ] or output [ … ] block.
    private static List<(string Name, string Type, long[] Dims)> Declared(string config, string block)
    {
        string section = Regex.Match(config, $@"^{block} \[\n(.*?)\n\]", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        return [.. TensorPattern().Matches(section).Select(m => (m.Groups["name"].Value, m.Groups["type"].Value,
            m.Groups["dims"].Value.Split(", ").Select(long.Parse).ToArray()))];
    }

    [Fact]
    public void Every_config_matches_its_onnx_graph_as_onnx_runtime_reads_it()
    {
        IReadOnlyList<string> names = TritonRepository.Write(Repository.ModelsFolder, folder.Path, prefix: "mnist_");

        Assert.Equal(["mnist_encoder", "mnist_decoder", "mnist_autoencoder"], names);
        foreach (string name in names)
        {
            string config = File.ReadAllText(Path.Combine(folder.Path, name, "config.pbtxt"));
            using var session = new InferenceSession(Path.Combine(folder.Path, name, "1", "model.onnx"));

            Assert.Contains($"name: \"{name}\"", config);
            Assert.Contains("platform: \"onnxruntime_onnx\"", config);
            Assert.Contains("dynamic_batching", config);
            foreach ((string block, IReadOnlyDictionary<string, NodeMetadata> actual) in new[] { ("input", session.InputMetadata), ("output", session.OutputMetadata) })
            {
                var declared = Declared(config, block);
                Assert.Equal(actual.Keys.Order(), declared.Select(d => d.Name).Order());
                foreach ((string tensor, string type, long[] dims) in declared)
                {
                    // ONNX Runtime reports the symbolic batch dimension as -1; Triton leaves it out.
                    Assert.Equal(-1, actual[tensor].Dimensions[0]);
                    Assert.Equal(actual[tensor].Dimensions[1..].Select(d => (long)d), dims);
                    Assert.Equal(typeof(float), actual[tensor].ElementType);
                    Assert.Equal("TYPE_FP32", type);
                }
            }
        }
    }

    [Fact]
    public void A_missing_encoder_writes_nothing()
    {
        string models = Directory.CreateDirectory(folder.File("models")).FullName;
        File.Copy(Path.Combine(Repository.ModelsFolder, "decoder.onnx"), Path.Combine(models, "decoder.onnx"));
        string repository = Directory.CreateDirectory(folder.File("repository")).FullName;

        var error = Assert.Throws<FileNotFoundException>(() => TritonRepository.Write(models, repository));

        Assert.Equal($"{Path.Combine(models, "encoder.onnx")}: expected the exported encoder model", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(repository));
    }

    [Fact]
    public void An_encoder_only_model_is_exported_alone()
    {
        IReadOnlyList<string> names = TritonRepository.Write(Path.Combine(Repository.ModelsFolder, "umap"), folder.Path);

        Assert.Equal(["encoder"], names);
        Assert.True(File.Exists(Path.Combine(folder.Path, "encoder", "1", "model.onnx")));
    }

    [Fact]
    public void A_full_model_carries_its_score_and_what_it_means_as_parameters()
    {
        TritonRepository.Write(Repository.ModelsFolder, folder.Path);

        string config = File.ReadAllText(Path.Combine(folder.Path, "autoencoder", "config.pbtxt"));

        Assert.Contains("parameters { key: \"anomaly_score\" value: { string_value: \"mse\" } }", config);
        Assert.Contains("parameters { key: \"anomaly_score_definition\" value: { string_value: \"mean over features of (x - x̂)²", config);
        Assert.Contains("parameters { key: \"role\" value: { string_value: \"autoencoder\" } }", config);
    }
}
