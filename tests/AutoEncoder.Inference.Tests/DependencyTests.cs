using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// What the shipped assemblies may depend on, read from their metadata: the library ONNX Runtime,
/// Protobuf and the model contract it ships with besides the framework, never TorchSharp or the training
/// app; the embedded models nothing at all.
/// </summary>
public sealed class DependencyTests
{
    [Fact]
    public void The_library_references_only_the_framework_onnx_runtime_protobuf_and_the_model_contract()
    {
        string[] references = typeof(Encoder).Assembly.GetReferencedAssemblies().Select(name => name.Name!)
            .Where(name => name != "netstandard" && !name.StartsWith("System", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["AutoEncoder.ModelFormat", "Google.Protobuf", "Microsoft.ML.OnnxRuntime"], references);
    }

    [Fact]
    public void The_model_contract_references_only_the_framework_and_protobuf()
    {
        // Both sides build on it: the exporter (TorchSharp) and the library (ONNX Runtime); it holds neither.
        string[] references = typeof(AutoEncoder.ModelFormat.MetadataKeys).Assembly.GetReferencedAssemblies().Select(name => name.Name!)
            .Where(name => name != "netstandard" && !name.StartsWith("System", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["Google.Protobuf"], references);
    }

    [Fact]
    public void The_embedded_models_assembly_holds_the_seed_deep_umap_and_vae_models_and_no_code()
    {
        var models = System.Reflection.Assembly.Load("AutoEncoder.Inference.Models");

        Assert.Equal(["AutoEncoder.Inference.Models.autoencoder.onnx", "AutoEncoder.Inference.Models.decoder.onnx",
                      "AutoEncoder.Inference.Models.deep.autoencoder.onnx", "AutoEncoder.Inference.Models.deep.decoder.onnx",
                      "AutoEncoder.Inference.Models.deep.encoder.onnx", "AutoEncoder.Inference.Models.encoder.onnx",
                      "AutoEncoder.Inference.Models.umap.encoder.onnx", "AutoEncoder.Inference.Models.vae.decoder.onnx",
                      "AutoEncoder.Inference.Models.vae.encoder.onnx"],
            models.GetManifestResourceNames().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(models.GetTypes(), type => type.Name != "<Module>");
    }
}
