using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Clustering;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Clustering;

/// <summary>cluster.onnx built from the committed seed encoder (2-D codes) and clusters fitted to its codes.</summary>
public sealed class ClusterExportTests
{
    private static readonly byte[] Encoder = File.ReadAllBytes(Path.Combine(Repository.ModelsFolder, "encoder.onnx"));

    private static GaussianClusters Fit(int clusters)
    {
        float[] codes = OrtRunner.Run(Encoder, Mnist.TestPixels(2000), 2000);
        using Tensor tensorCodes = tensor(codes, [2000, 2]);
        KMeansFit.Result start = KMeansFit.Fit(tensorCodes, clusters, 0, 2);
        return MixtureFit.Fit(tensorCodes, start.Assigned, clusters).Mixture;
    }

    [Fact]
    public void The_graph_passes_its_parity_gate_and_records_the_figure()
    {
        byte[] graph = ClusterExport.Build(Encoder, Fit(6), Mnist.TestPixels(500), 500);

        var metadata = ModelProto.Parser.ParseFrom(graph).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("cluster", metadata["role"]);
        Assert.Equal("6", metadata["clusters"]);
        Assert.StartsWith("gmm:", metadata["cluster_method"]);
        // The gate is the exporter's 1e-4 on probabilities in [0, 1].
        Assert.InRange(double.Parse(metadata["parity_max_abs_diff"], System.Globalization.CultureInfo.InvariantCulture), 0, 1e-4);
        Assert.Equal(["cluster", "probabilities", "embedding"], ModelProto.Parser.ParseFrom(graph).Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void Clusters_of_another_code_width_are_refused_naming_both()
    {
        var clusters = GaussianClusters.FromCentroids([0, 0, 0, 1, 1, 1], 2, 3, 1);

        var error = Assert.Throws<InvalidDataException>(() => ClusterExport.Build(Encoder, clusters, Mnist.TestPixels(10), 10));

        Assert.Contains("expected output 'embedding' of 3 values, found 'embedding' of 2", error.Message);
    }
}
