using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Onnx.Schema;
using AutoEncoder.Tests.Support;
using Google.Protobuf;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// Every backend computes what ONNX Runtime computes on the same model. Tolerance 1e-5 absolute unless
/// stated: both add up to 784 float32 products per output, in different orders, for outputs of magnitude
/// ≤ ~10 (the same bound and reasoning as the export parity tests).
/// </summary>
public sealed class BackendTests
{
    private const int Rows = 2000;

    private static InferenceOptions On(InferenceBackend backend) => new() { Backend = backend };

    [Fact]
    public void Auto_runs_the_default_models_in_the_managed_kernel()
    {
        using var encoder = Encoder.LoadDefault();
        using var decoder = Decoder.LoadDefault();

        Assert.Equal(InferenceBackend.Managed, encoder.Backend);
        Assert.Equal(InferenceBackend.Managed, decoder.Backend);
    }

    // The deep encoder adds three layers of up to 784-term float32 sums and its codes reach ~75: its
    // tolerance is the export gate, 1e-4 (its export parity against TorchSharp measured 3.3e-5).
    [Theory]
    [InlineData("encoder.onnx", InferenceBackend.Auto, 1e-5)]
    [InlineData("encoder.onnx", InferenceBackend.OnnxRuntime, 1e-5)]
    [InlineData("encoder.onnx", InferenceBackend.Managed, 1e-5)]
    [InlineData("deep/encoder.onnx", InferenceBackend.Auto, 1e-4)]
    [InlineData("deep/encoder.onnx", InferenceBackend.OnnxRuntime, 1e-4)]
    [InlineData("deep/encoder.onnx", InferenceBackend.Managed, 1e-4)]
    [InlineData("conv/encoder.onnx", InferenceBackend.Auto, 1e-4)]
    [InlineData("conv/encoder.onnx", InferenceBackend.OnnxRuntime, 1e-4)]
    public void Every_backend_encodes_the_committed_models_as_onnx_runtime_does(string file, InferenceBackend backend, double tolerance)
    {
        float[] pixels = TestImages.Pixels(Rows);
        byte[] bytes = TestModels.Committed(file);
        using var encoder = Encoder.Load(Path.Combine(Repository.ModelsFolder, file), On(backend));

        Close.Assert(OrtReference.Run(bytes, pixels, Rows), encoder.EncodeBatch(pixels), atol: tolerance);
    }

    [Theory]
    [InlineData("decoder.onnx", InferenceBackend.OnnxRuntime)]
    [InlineData("decoder.onnx", InferenceBackend.Managed)]
    [InlineData("deep/decoder.onnx", InferenceBackend.OnnxRuntime)]
    [InlineData("deep/decoder.onnx", InferenceBackend.Managed)]
    public void Every_backend_decodes_the_committed_models_as_onnx_runtime_does(string file, InferenceBackend backend)
    {
        using var encoder = Encoder.LoadDefault();
        float[] codes = encoder.EncodeBatch(TestImages.Pixels(Rows));
        using var decoder = Decoder.Load(TestModels.Committed(file), On(backend));

        Close.Assert(OrtReference.Run(TestModels.Committed(file), codes, Rows), decoder.DecodeBatch(codes), atol: 1e-5);
    }

    [Fact]
    public void Auto_runs_batches_of_a_model_past_the_batch_limit_in_onnx_runtime_and_its_single_rows_in_the_managed_kernel()
    {
        // 784·512 + 512·256 + 256·2 = 533,000 multiply-adds per row: past the 65,536 up to which batches are
        // faster in the kernel, within the 1,048,576 up to which one row is.
        string file = Path.Combine(Repository.ModelsFolder, "deep", "encoder.onnx");
        float[] rows = TestImages.Pixels(2);
        using var auto = Encoder.Load(file);
        using var managed = Encoder.Load(file, On(InferenceBackend.Managed));
        using var runtime = Encoder.Load(file, On(InferenceBackend.OnnxRuntime));
        float[] managedRow = managed.Encode(rows.AsSpan(0, 784)), runtimeRow = runtime.Encode(rows.AsSpan(0, 784));
        Assert.NotEqual(managedRow, runtimeRow); // the two sum in different orders: the bits tell which one ran

        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
        Assert.Equal(managedRow, auto.Encode(rows.AsSpan(0, 784)));
        Assert.Equal(runtime.EncodeBatch(rows), auto.EncodeBatch(rows));
    }

    [Fact]
    public void Auto_runs_even_single_rows_of_a_chain_past_the_row_limit_in_onnx_runtime()
    {
        // 784·1400 + 1400·2 = 1,100,400 multiply-adds per row, past the 1,048,576 of the row limit.
        byte[] model = TestModels.Encoder([784, 1400, 2], "Relu").ToByteArray();
        float[] row = TestImages.Pixels(1);
        using var auto = Encoder.Load(model);
        using var managed = Encoder.Load(model, On(InferenceBackend.Managed));
        using var runtime = Encoder.Load(model, On(InferenceBackend.OnnxRuntime));
        float[] runtimeRow = runtime.Encode(row);
        Assert.NotEqual(managed.Encode(row), runtimeRow);

        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
        Assert.Equal(runtimeRow, auto.Encode(row));
    }

    // Each element-wise operator the kernel implements, between two Gemm layers, on both backends.
    [Theory]
    [InlineData("Relu")]
    [InlineData("LeakyRelu")]
    [InlineData("Tanh")]
    [InlineData("Sigmoid")]
    [InlineData("Identity")]
    public void Each_activation_runs_in_both_backends_as_onnx_runtime_computes_it(string activation)
    {
        byte[] model = TestModels.Encoder([784, 48, 16, 3], activation).ToByteArray();
        float[] pixels = TestImages.Pixels(500);
        float[] expected = OrtReference.Run(model, pixels, 500);
        using var managed = Encoder.Load(model, On(InferenceBackend.Managed));
        using var runtime = Encoder.Load(model, On(InferenceBackend.OnnxRuntime));

        Assert.Equal(InferenceBackend.Managed, managed.Backend);
        Assert.Equal(InferenceBackend.OnnxRuntime, runtime.Backend);
        Close.Assert(expected, managed.EncodeBatch(pixels), atol: 1e-5);
        Close.Assert(expected, runtime.EncodeBatch(pixels), atol: 1e-5);
        // Single rows take the other entry point of each backend.
        Close.Assert(expected.AsSpan(0, 3), managed.Encode(pixels.AsSpan(0, 784)), atol: 1e-5);
        Close.Assert(expected.AsSpan(0, 3), runtime.Encode(pixels.AsSpan(0, 784)), atol: 1e-5);
    }

    // What the trainer exports for unscaled data: (x − offset) · scale by constant vectors before the first
    // Gemm. Raw values near 1e5 must not lose precision in the kernel (it applies the same two float32
    // operations, never folds them into the weights), so the codes agree as for any other encoder.
    [Fact]
    public void A_leading_sub_and_mul_run_in_the_managed_kernel_as_onnx_runtime_computes_them()
    {
        ModelProto proto = TestModels.Encoder([6, 8, 2], "Relu");
        GraphProto graph = proto.Graph;
        float[] offset = [100_000f, 0.01f, 20f, 3f, 0f, -1f], scale = [0.002f, 300f, 0.5f, 1f, 1f, 0.9f];
        graph.Initializer.Add(TestModels.Tensor("offset", [6], offset));
        graph.Initializer.Add(TestModels.Tensor("scale", [6], scale));
        graph.Node.Insert(0, new NodeProto { Name = "sub", OpType = "Sub", Input = { "pixels", "offset" }, Output = { "centred" } });
        graph.Node.Insert(1, new NodeProto { Name = "mul", OpType = "Mul", Input = { "centred", "scale" }, Output = { "scaled" } });
        graph.Node[2].Input[0] = "scaled";
        byte[] model = proto.ToByteArray();
        var random = new Random(3);
        float[] rows = [.. Enumerable.Range(0, 600).Select(i => offset[i % 6] + (random.NextSingle() - 0.5f) / scale[i % 6])];

        using var auto = Encoder.Load(model);

        Assert.Equal(InferenceBackend.Managed, auto.Backend);
        Close.Assert(OrtReference.Run(model, rows, 100), auto.EncodeBatch(rows), atol: 1e-5);
    }

    // A second output through a Reshape to 3 values, which fails for every batch of 6-value rows when it runs:
    // the codes come back only if ONNX Runtime never runs it. Equal bit for bit: the same session kind computes
    // the same Gemm chain.
    [Fact]
    public void On_onnx_runtime_a_model_of_several_outputs_runs_only_the_nodes_of_the_output_read()
    {
        ModelProto proto = TestModels.Encoder([6, 8, 2], "Relu");
        byte[] plain = proto.ToByteArray();
        proto.Graph.Initializer.Add(new TensorProto { Name = "three", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 3 } });
        proto.Graph.Node.Add(new NodeProto { Name = "reshape", OpType = "Reshape", Input = { "pixels", "three" }, Output = { "other" } });
        proto.Graph.Output.Add(new ValueInfoProto { Name = "other", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        byte[] model = proto.ToByteArray();
        float[] rows = [.. Enumerable.Range(0, 6 * 200).Select(i => MathF.Sin(i))];

        using var twoOutputs = Encoder.Load(model, On(InferenceBackend.OnnxRuntime));
        using var oneOutput = Encoder.Load(plain, On(InferenceBackend.OnnxRuntime));

        Assert.Equal(oneOutput.EncodeBatch(rows), twoOutputs.EncodeBatch(rows));
        Assert.Equal(oneOutput.Encode(rows.AsSpan(0, 6)), twoOutputs.Encode(rows.AsSpan(0, 6)));
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(model)).ToLowerInvariant(), twoOutputs.Metadata.Sha256);
    }

    [Fact]
    public void Managed_refuses_a_model_it_cannot_run_and_says_why()
    {
        ModelProto model = TestModels.Encoder([784, 8, 2], "Relu");
        model.Graph.Node[1].OpType = "Softplus";

        var error = Assert.Throws<NotSupportedException>(() => Encoder.Load(model.ToByteArray(), On(InferenceBackend.Managed)));

        Assert.StartsWith("model bytes: the managed backend cannot run this model: node 'act0' (Softplus) is not supported here", error.Message);
        using var auto = Encoder.Load(model.ToByteArray());
        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
    }

    [Fact]
    public void The_committed_conv_encoder_runs_in_onnx_runtime_and_the_managed_backend_refuses_it_naming_its_reshape_head()
    {
        string file = Path.Combine(Repository.ModelsFolder, "conv", "encoder.onnx");

        var error = Assert.Throws<NotSupportedException>(() => Encoder.Load(file, On(InferenceBackend.Managed)));

        Assert.Contains("the managed backend cannot run this model: node", error.Message);
        Assert.Contains("(Reshape)", error.Message);
        using var auto = Encoder.Load(file);
        Assert.Equal(InferenceBackend.OnnxRuntime, auto.Backend);
    }

    [Fact]
    public void A_session_callback_is_applied_to_the_onnx_runtime_session()
    {
        using var folder = new TempFolder();
        var options = new InferenceOptions
        {
            ConfigureSession = session =>
            {
                session.AppendExecutionProvider_CPU(useArena: 0);
                session.ProfileOutputPathPrefix = folder.File("profile"); // read when profiling is turned on
                session.EnableProfiling = true;
            },
        };

        using (var encoder = Encoder.LoadDefault(options))
        {
            // A caller who configured the session gets it: Auto does not divert to the managed kernel.
            Assert.Equal(InferenceBackend.OnnxRuntime, encoder.Backend);
            encoder.Encode(TestImages.Pixels(1));
        }

        // The profile exists only because the callback turned profiling on; it names the provider that ran the nodes.
        string profile = File.ReadAllText(Assert.Single(Directory.GetFiles(folder.Path, "profile*.json")));
        Assert.Contains("CPUExecutionProvider", profile);
    }

    [Fact]
    public void An_execution_provider_this_runtime_lacks_is_refused_naming_the_failure()
    {
        var options = new InferenceOptions { ConfigureSession = session => session.AppendExecutionProvider("NoSuchExecutionProvider") };

        var error = Assert.Throws<InvalidOperationException>(() => Encoder.LoadDefault(options));

        Assert.StartsWith("encoder.onnx: ONNX Runtime refused the configured session options (", error.Message);
        Assert.Contains("NoSuchExecutionProvider", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_thread_limit_gives_the_same_codes_on_both_backends(int threads)
    {
        float[] pixels = TestImages.Pixels(10_000);
        using var reference = Encoder.LoadDefault(On(InferenceBackend.OnnxRuntime));
        using var managed = Encoder.LoadDefault(new InferenceOptions { Backend = InferenceBackend.Managed, IntraOpThreads = threads });
        using var runtime = Encoder.LoadDefault(new InferenceOptions { Backend = InferenceBackend.OnnxRuntime, IntraOpThreads = threads });

        float[] expected = reference.EncodeBatch(pixels);
        Close.Assert(expected, managed.EncodeBatch(pixels), atol: 1e-5);
        Close.Assert(expected, runtime.EncodeBatch(pixels), atol: 1e-5);
    }

    [Fact]
    public void Options_out_of_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Encoder.LoadDefault(new InferenceOptions { IntraOpThreads = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Encoder.LoadDefault(new InferenceOptions { Backend = (InferenceBackend)7 }));
    }

    [Fact]
    public void A_thread_count_beyond_the_limit_is_refused_before_onnx_runtime_starts_threads()
    {
        // 100,000 once hung while ONNX Runtime's threads took memory past 3 GB.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Encoder.LoadDefault(new InferenceOptions { IntraOpThreads = 100_000 }));

        Assert.StartsWith("expected IntraOpThreads null or from 1 to 1024, found 100000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_large_batch_split_into_one_onnx_runtime_run_per_core_gives_the_codes_of_one_run()
    {
        // 2,000 rows of the deep encoder: one run per core under the default options, one run of all the rows
        // with one intra-op thread. Each row's products are the same sums in the same order either way.
        float[] pixels = TestImages.Pixels(Rows);
        byte[] bytes = TestModels.Committed("deep/encoder.onnx");
        using var split = Encoder.Load(bytes, On(InferenceBackend.OnnxRuntime));
        using var whole = Encoder.Load(bytes, new InferenceOptions { Backend = InferenceBackend.OnnxRuntime, IntraOpThreads = 1 });

        Assert.Equal(whole.EncodeBatch(pixels), split.EncodeBatch(pixels));
    }

    [Fact]
    public void A_batch_of_one_row_runs_on_the_calling_thread_without_allocating()
    {
        // The deep encoder's 533,000 multiply-adds a row are past the split's threshold: one row must not be split.
        using var encoder = Encoder.Load(TestModels.Committed("deep/encoder.onnx"), On(InferenceBackend.Managed));
        float[] row = TestImages.Pixels(1), code = new float[encoder.EmbeddingSize];
        encoder.EncodeBatch(row, code);

        Assert.Equal(0, Allocations.Fewest(() => encoder.EncodeBatch(row, code)));
    }

    [Fact]
    public void Batches_large_enough_to_split_across_threads_equal_row_by_row_results()
    {
        // 10,000 rows × 1,568 multiply-adds is several parallel chunks.
        float[] pixels = TestImages.Pixels(10_000);
        using var encoder = Encoder.LoadDefault();
        float[] batch = encoder.EncodeBatch(pixels);
        var row = new float[2];

        for (int r = 0; r < 10_000; r += 97)
        {
            encoder.Encode(pixels.AsSpan(r * 784, 784), row);
            // One kernel for every batch size: bit-identical, not merely close.
            Assert.Equal(batch.AsSpan(r * 2, 2).ToArray(), row);
        }
    }
}
