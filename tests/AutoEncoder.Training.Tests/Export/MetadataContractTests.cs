using AutoEncoder.ModelFormat;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>
/// The model contract is written once (AutoEncoder.ModelFormat) and every committed model keeps to it:
/// the golden list below changes only with a deliberate change of the format, which docs/models.md documents.
/// </summary>
public sealed class MetadataContractTests
{
    [Fact]
    public void The_metadata_keys_are_exactly_the_documented_ones()
    {
        Assert.Equal(
        [
            "role", "input_size", "latent_size", "image_shape", "input_divisor", "input_scaling", "output_space", "objective",
            "prior", "training_config", "data_sha256", "loss", "test_loss", "test_bce", "parity_max_abs_diff", "parity_rows",
            "anomaly_score", "anomaly_threshold", "anomaly_threshold_rule", "anomaly_normal_class", "anomaly_calibration_rows",
            "anomaly_calibration_quantiles", "clusters", "cluster_method",
        ], MetadataKeys.All);
    }

    [Fact]
    public void Every_key_a_committed_model_carries_is_in_the_contract_and_names_its_role()
    {
        string[] files = Directory.GetFiles(Repository.ModelsFolder, "*.onnx", SearchOption.AllDirectories);
        Assert.True(files.Length >= 13, $"expected the committed models' ONNX files, found {files.Length}");
        foreach (string file in files)
        {
            var keys = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file)).MetadataProps.ToDictionary(p => p.Key, p => p.Value);

            Assert.All(keys.Keys, key => Assert.Contains(key, MetadataKeys.All));
            Assert.Equal(Path.GetFileNameWithoutExtension(file), keys[MetadataKeys.Role]);
            Assert.Equal(RoleNames.FileName(keys[MetadataKeys.Role]), Path.GetFileName(file));
        }
    }
}
