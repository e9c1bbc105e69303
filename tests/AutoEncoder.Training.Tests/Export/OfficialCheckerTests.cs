using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>The official ONNX checker (Debian's python3-onnx, installed by `make tools`) accepts our files.</summary>
[Trait("Category", "Slow")]
public sealed class OfficialCheckerTests(TrainedModels models) : IClassFixture<TrainedModels>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static (int ExitCode, string Output) Check(IEnumerable<string> files) =>
        ExternalProcess.Run("/usr/bin/python3", null, [Path.Combine(Repository.Root, "scripts", "check_onnx.py"), .. files]);

    [Fact]
    public void Full_check_accepts_every_exported_graph()
    {
        var files = new List<string>();
        foreach ((string name, _) in TrainedModels.Architectures)
            foreach (ModelRole role in ModelRoles.All)
            {
                files.Add(folder.File($"{name}-{role.FileName()}"));
                File.WriteAllBytes(files[^1], models.Onnx(name, role));
            }

        (int code, string output) = Check(files);

        Assert.True(code == 0, output);
        Assert.Equal(files.Count, output.Split('\n').Count(line => line.Contains(": ok (onnx")));
    }

    [Fact]
    public void Full_check_accepts_every_image_layer_graph()
    {
        var files = new List<string>();
        foreach (object[] row in ImageLayerConverterTests.Layers)
        {
            using var layer = ((Func<TorchSharp.torch.nn.Module>)row[1])();
            layer.eval();
            files.Add(folder.File($"layer-{files.Count}.onnx"));
            File.WriteAllBytes(files[^1], Google.Protobuf.MessageExtensions.ToByteArray(ImageLayerConverterTests.Export(layer, (long[])row[2])));
        }

        (int code, string output) = Check(files);

        Assert.True(code == 0, output);
        Assert.Equal(files.Count, output.Split('\n').Count(line => line.Contains(": ok (onnx")));
    }

    [Fact]
    public void Full_check_accepts_the_committed_models()
    {
        // Every committed graph, the cluster model's included.
        string[] files = Directory.GetFiles(Repository.ModelsFolder, "*.onnx", SearchOption.AllDirectories);

        (int code, string output) = Check(files);

        Assert.True(code == 0, output);
        Assert.Contains(files, file => file.EndsWith(Path.Combine("cluster", "cluster.onnx"), StringComparison.Ordinal));
        Assert.Equal(files.Length, output.Split('\n').Count(line => line.Contains(": ok (onnx")));
    }

    [Fact]
    public void The_checker_rejects_a_broken_model()
    {
        File.WriteAllBytes(folder.File("broken.onnx"), models.Onnx("seed", ModelRole.Encoder)[..^40]);

        (int code, _) = Check([folder.File("broken.onnx")]);

        Assert.NotEqual(0, code);
    }
}
