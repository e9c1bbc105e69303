using AutoEncoder.Inference.Internal;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The committed cluster model (<c>models/cluster/cluster.onnx</c>: the cluster preset's 10-D encoder and a
/// Gaussian mixture of 10 components) through <see cref="ClusterModel"/>, against ONNX Runtime running the graph.
/// </summary>
public sealed class ClusterModelTests
{
    private const string File = "cluster/cluster.onnx";
    private const int Rows = 2000;

    private static InferenceOptions On(InferenceBackend backend) => new() { Backend = backend };

    [Fact]
    public void On_onnx_runtime_probabilities_and_clusters_are_the_graphs_own_outputs()
    {
        float[] pixels = TestImages.Pixels(Rows);
        using var model = ClusterModel.Load(TestModels.Committed(File), On(InferenceBackend.OnnxRuntime));

        // The same engine on the same graph: bit for bit.
        Assert.Equal(OrtReference.Run<float>(TestModels.Committed(File), pixels, Rows, "probabilities"), model.ProbabilitiesBatch(pixels));
        Assert.Equal(OrtReference.Run<long>(TestModels.Committed(File), pixels, Rows, "cluster").Select(c => (int)c), model.AssignBatch(pixels));
    }

    [Fact]
    public void The_managed_head_computes_the_graphs_probabilities_from_the_graphs_codes()
    {
        float[] pixels = TestImages.Pixels(Rows);
        byte[] bytes = TestModels.Committed(File);
        float[] codes = OrtReference.Run<float>(bytes, pixels, Rows, "embedding");
        float[] expected = OrtReference.Run<float>(bytes, pixels, Rows, "probabilities");
        GaussianHead head = GaussianHead.TryRead(ModelProto.Parser.ParseFrom(bytes).Graph)!;

        var actual = new float[Rows * head.Clusters];
        for (int r = 0; r < Rows; r++) head.Probabilities(codes.AsSpan(r * head.Dimensions, head.Dimensions), actual.AsSpan(r * head.Clusters, head.Clusters));

        // Logits of tens summed in float32 in another order than ONNX Runtime's MatMul: a few ulps of a logit
        // (~4e-6) move a probability by at most a quarter of that; 1e-5 leaves room for the exponentials.
        Close.Assert(expected, actual, atol: 1e-5);
    }

    [Fact]
    public void The_managed_backend_assigns_as_onnx_runtime_does_but_for_near_ties()
    {
        float[] pixels = TestImages.Pixels(Rows);
        using var managed = ClusterModel.Load(TestModels.Committed(File), On(InferenceBackend.Managed));
        using var runtime = ClusterModel.Load(TestModels.Committed(File), On(InferenceBackend.OnnxRuntime));

        float[] expected = runtime.ProbabilitiesBatch(pixels), actual = managed.ProbabilitiesBatch(pixels);
        int[] assignedByRuntime = runtime.AssignBatch(pixels), assignedByManaged = managed.AssignBatch(pixels);

        Assert.Equal(InferenceBackend.Managed, managed.Backend);
        // The backends' 10-D codes differ by float32 rounding (~1e-6); the mixture's precision factors (its
        // components are tight: min_dist 0) magnify that into logit differences of ~1e-3, which move a near-even
        // probability by up to a quarter of that (8e-4 measured on 10,000 test images). Assignments agree
        // wherever the two most probable clusters are further apart than that.
        Close.Assert(expected, actual, atol: 2e-3);
        int k = runtime.ClusterCount;
        for (int r = 0; r < Rows; r++)
        {
            float[] p = [.. expected.AsSpan(r * k, k).ToArray().OrderDescending()];
            if (p[0] - p[1] > 4e-3) Assert.Equal(assignedByRuntime[r], assignedByManaged[r]);
        }
    }

    [Fact]
    public void Auto_computes_single_rows_as_the_managed_backend_and_batches_from_onnx_runtimes_codes()
    {
        // The 784-100-100-100-10 encoder (99,400 multiply-adds a row) is past the kernel's batch limit and within
        // its row limit: one row runs in the kernel, a batch's codes come from ONNX Runtime, the head is the same.
        float[] pixels = TestImages.Pixels(Rows);
        byte[] bytes = TestModels.Committed(File);
        using var auto = ClusterModel.Load(bytes);
        using var managed = ClusterModel.Load(bytes, On(InferenceBackend.Managed));
        GaussianHead head = GaussianHead.TryRead(ModelProto.Parser.ParseFrom(bytes).Graph)!;
        float[] codes = OrtReference.Run<float>(bytes, pixels, Rows, "embedding");
        var expected = new float[Rows * head.Clusters];
        for (int r = 0; r < Rows; r++) head.Probabilities(codes.AsSpan(r * head.Dimensions, head.Dimensions), expected.AsSpan(r * head.Clusters, head.Clusters));

        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
        Assert.Equal(managed.Probabilities(pixels.AsSpan(0, 784)), auto.Probabilities(pixels.AsSpan(0, 784)));
        Assert.Equal(expected, auto.ProbabilitiesBatch(pixels));
    }

    [Fact]
    public void A_large_batchs_head_shared_between_the_cores_gives_each_row_the_probabilities_of_the_head_alone()
    {
        // 4,096 rows: at least 1,024 a share, so as many shares as cores (none on a machine of one). Each row goes
        // through the same head code in any share: bit for bit.
        const int rows = 4096;
        float[] pixels = TestImages.Pixels(rows);
        byte[] bytes = TestModels.Committed(File);
        using var auto = ClusterModel.Load(bytes);
        GaussianHead head = GaussianHead.TryRead(ModelProto.Parser.ParseFrom(bytes).Graph)!;
        float[] codes = OrtReference.Run<float>(bytes, pixels, rows, "embedding");
        var expected = new float[rows * head.Clusters];
        for (int r = 0; r < rows; r++) head.Probabilities(codes.AsSpan(r * head.Dimensions, head.Dimensions), expected.AsSpan(r * head.Clusters, head.Clusters));

        Assert.Equal(expected, auto.ProbabilitiesBatch(pixels));
    }

    [Theory]
    [InlineData(InferenceBackend.Managed)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void Each_rows_probabilities_sum_to_one(InferenceBackend backend)
    {
        using var model = ClusterModel.Load(TestModels.Committed(File), On(backend));

        float[] probabilities = model.ProbabilitiesBatch(TestImages.Pixels(Rows));
        int k = model.ClusterCount;

        // Ten float32 probabilities: their sum is 1 within a few ulps.
        Assert.Equal(10, k);
        for (int r = 0; r < Rows; r++) Assert.Equal(1, probabilities.AsSpan(r * k, k).ToArray().Sum(), 1e-5);
    }

    [Theory]
    [InlineData(InferenceBackend.Auto)]
    [InlineData(InferenceBackend.Managed)]
    [InlineData(InferenceBackend.OnnxRuntime)]
    public void Assigning_one_row_allocates_nothing(InferenceBackend backend)
    {
        using var model = ClusterModel.Load(TestModels.Committed(File), On(backend));
        float[] row = TestImages.Pixels(1);
        model.Assign(row);

        Assert.Equal(0, Allocations.Fewest(() => model.Assign(row), calls: 100));
    }

    [Fact]
    public void A_row_of_the_wrong_length_is_refused_naming_both_lengths()
    {
        using var model = ClusterModel.Load(TestModels.Committed(File));

        var error = Assert.Throws<ArgumentException>(() => model.Assign(new float[783]));

        Assert.Contains("784", error.Message);
        Assert.Contains("783", error.Message);
    }

    [Fact]
    public void A_nan_is_refused_naming_its_position()
    {
        using var model = ClusterModel.Load(TestModels.Committed(File));
        float[] row = TestImages.Pixels(1);
        row[5] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => model.Assign(row));

        Assert.Contains("NaN", error.Message);
    }

    [Fact]
    public void An_encoder_loaded_as_a_cluster_model_is_refused_naming_both_roles()
    {
        var error = Assert.Throws<InvalidDataException>(() => ClusterModel.Load(TestModels.Committed("encoder.onnx")));

        Assert.EndsWith("expected a model with role 'cluster', found 'encoder'", error.Message);
    }

    [Fact]
    public void A_head_of_other_nodes_runs_on_onnx_runtime_and_is_refused_by_the_managed_backend()
    {
        ModelProto proto = TestModels.CommittedProto(File);
        // A Softmax over the raw logits without the log-constants: a graph the managed head would misread.
        NodeProto add = proto.Graph.Node.Single(n => n.OpType == "Add");
        add.OpType = "Sub";
        byte[] altered = proto.ToByteArray();

        using var auto = ClusterModel.Load(altered);
        var error = Assert.Throws<NotSupportedException>(() => ClusterModel.Load(altered, On(InferenceBackend.Managed)));

        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
        Assert.Contains("Gaussian cluster head", error.Message);
    }
}
