using AutoEncoder.Onnx.Schema;
using AutoEncoder.Training.Export;
using Xunit;

namespace AutoEncoder.Training.Tests.Export;

public sealed class ExportStructureTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    private ModelProto Parse(string name, ModelRole role) => ModelProto.Parser.ParseFrom(models.Onnx(name, role));

    private static string Shape(ValueInfoProto value) =>
        string.Join("×", value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : d.DimValue.ToString()));

    [Theory]
    [InlineData("seed", "encoder", "Gemm")]
    [InlineData("seed", "decoder", "Gemm Sigmoid")]
    [InlineData("seed", "autoencoder", "Gemm Gemm Sigmoid")]
    [InlineData("relu", "encoder", "Gemm Relu Gemm Relu Gemm")]
    [InlineData("tanh", "autoencoder", "Gemm Tanh Gemm Gemm Tanh Gemm Sigmoid")]
    public void Graph_has_one_gemm_per_linear_and_the_activations_in_order(string name, string role, string ops)
    {
        ModelProto model = Parse(name, Enum.Parse<ModelRole>(role, ignoreCase: true));

        Assert.Equal(ops, string.Join(" ", model.Graph.Node.Select(n => n.OpType)));
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Gemm"), gemm =>
            Assert.Equal(("transB", 1L), (gemm.Attribute.Single().Name, gemm.Attribute.Single().I)));
    }

    [Theory]
    [InlineData("encoder", "pixels", "batch×784", "embedding", "batch×2")]
    [InlineData("decoder", "embedding", "batch×2", "reconstruction", "batch×784")]
    [InlineData("autoencoder", "pixels", "batch×784", "reconstruction", "batch×784")]
    public void Inputs_and_outputs_have_fixed_names_and_a_symbolic_batch_dimension(
        string role, string input, string inputShape, string output, string outputShape)
    {
        ModelProto model = Parse("seed", Enum.Parse<ModelRole>(role, ignoreCase: true));

        Assert.Equal(input, model.Graph.Input.Single().Name);
        Assert.Equal(inputShape, Shape(model.Graph.Input.Single()));
        Assert.Equal(output, model.Graph.Output.Single().Name);
        Assert.Equal(outputShape, Shape(model.Graph.Output.Single()));
        Assert.Equal((int)TensorProto.Types.DataType.Float, model.Graph.Input.Single().Type.TensorType.ElemType);
    }

    [Fact]
    public void Every_intermediate_value_has_a_declared_shape()
    {
        ModelProto model = Parse("relu", ModelRole.Autoencoder);
        var produced = model.Graph.Node.SelectMany(n => n.Output).Except(model.Graph.Output.Select(o => o.Name));

        Assert.Equal(produced.Order(), model.Graph.ValueInfo.Select(v => v.Name).Order());
        Assert.All(model.Graph.ValueInfo, v => Assert.StartsWith("batch×", Shape(v)));
    }

    [Fact]
    public void Model_declares_ir_8_opset_17_producer_and_documentation()
    {
        ModelProto model = Parse("seed", ModelRole.Encoder);

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(("", 17L), (model.OpsetImport.Single().Domain, model.OpsetImport.Single().Version));
        Assert.Equal("AutoEncoder", model.ProducerName);
        Assert.NotEmpty(model.ProducerVersion);
        Assert.Equal(1, model.ModelVersion);
        Assert.Equal("encoder", model.Graph.Name);
        Assert.Contains("784-2 linear", model.DocString);
    }

    [Fact]
    public void Initializers_are_named_after_the_module_path()
    {
        ModelProto model = Parse("relu", ModelRole.Autoencoder);

        Assert.Equal(
            ["decoder.0.bias", "decoder.0.weight", "decoder.2.bias", "decoder.2.weight", "decoder.4.bias", "decoder.4.weight",
             "encoder.0.bias", "encoder.0.weight", "encoder.2.bias", "encoder.2.weight", "encoder.4.bias", "encoder.4.weight"],
            model.Graph.Initializer.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal([128L, 784L], model.Graph.Initializer.Single(t => t.Name == "encoder.0.weight").Dims);
    }

    [Fact]
    public void Metadata_carries_role_scaling_shape_training_provenance_and_parity()
    {
        ModelProto model = Parse("seed", ModelRole.Decoder);
        var metadata = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(
            ["data_sha256", "image_shape", "input_divisor", "input_scaling", "input_size", "latent_size", "loss", "output_space",
             "parity_max_abs_diff", "parity_rows", "role", "test_bce", "test_loss", "training_config"],
            metadata.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("decoder", metadata["role"]);
        Assert.Equal("255", metadata["input_divisor"]);
        Assert.Equal("""{"rule":"none"}""", metadata["input_scaling"]);
        Assert.Equal("bce", metadata["loss"]);
        Assert.Equal("28,28", metadata["image_shape"]);
        Assert.Equal("2", metadata["latent_size"]);
        Assert.Contains("\"batch_size\":64", metadata["training_config"]);
        Assert.Contains("train-images-idx3-ubyte", metadata["data_sha256"]);
        Assert.Equal("1000", metadata["parity_rows"]);
    }
}
