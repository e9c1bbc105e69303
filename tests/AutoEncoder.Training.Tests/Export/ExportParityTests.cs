using AutoEncoder.Tests.Support;
using AutoEncoder.Training.Export;
using AutoEncoder.Training.Tests.Support;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Export;

/// <summary>
/// ONNX Runtime must compute what TorchSharp computes. Tolerance: 1e-5 absolute. Each output is a float32
/// sum of at most 784 products (then a ReLU/Tanh/Sigmoid, which do not amplify error); libtorch and ONNX
/// Runtime's MLAS add the same terms in different orders, so results differ by a few float32 roundings,
/// measured at ≈ 2e-6 on the seed encoder over all 10,000 test images. A structural export error (a
/// transposed weight, a missing bias, a wrong activation) moves outputs by 1e-2 or more.
/// </summary>
public sealed class ExportParityTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    const double Tolerance = 1e-5;
    const int Rows = 2000;

    public static TheoryData<string, string> Graphs()
    {
        var data = new TheoryData<string, string>();
        foreach ((string name, _) in TrainedModels.Architectures)
            foreach (ModelRole role in ModelRoles.All)
                data.Add(name, role.Name());
        return data;
    }

    private float[] TorchSharpOutput(string name, ModelRole role, float[] pixels, int rows)
    {
        var model = models.Model(name);
        model.eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor input = tensor(pixels, [rows, 784]);
        Tensor output = role switch
        {
            ModelRole.Encoder => model.Encoder.forward(input),
            ModelRole.Decoder => sigmoid(model.Decoder.forward(model.Encoder.forward(input))),
            _ => sigmoid(model.forward(input)),
        };
        return output.data<float>().ToArray();
    }

    private float[] OnnxInput(string name, ModelRole role, float[] pixels, int rows) =>
        role == ModelRole.Decoder ? TorchSharpOutput(name, ModelRole.Encoder, pixels, rows) : pixels;

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Onnx_runtime_matches_torchsharp_on_real_test_images(string name, string roleName)
    {
        ModelRole role = Enum.Parse<ModelRole>(roleName, ignoreCase: true);
        float[] pixels = Mnist.TestPixels(Rows);

        float[] expected = TorchSharpOutput(name, role, pixels, Rows);
        float[] actual = OrtRunner.Run(models.Onnx(name, role), OnnxInput(name, role, pixels, Rows), Rows);

        Close.Assert(expected, actual, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Export_records_the_parity_it_measured_within_the_export_tolerance(string name, string roleName)
    {
        double parity = models.Export(name).Parity[Enum.Parse<ModelRole>(roleName, ignoreCase: true)];

        Assert.InRange(parity, 0, Tolerance);
    }

    [Theory]
    [InlineData("seed")]
    [InlineData("relu")]
    public void Decoder_of_encoder_equals_the_full_model(string name)
    {
        float[] pixels = Mnist.TestPixels(Rows);

        float[] codes = OrtRunner.Run(models.Onnx(name, ModelRole.Encoder), pixels, Rows);
        float[] composed = OrtRunner.Run(models.Onnx(name, ModelRole.Decoder), codes, Rows);
        float[] full = OrtRunner.Run(models.Onnx(name, ModelRole.Autoencoder), pixels, Rows);

        // The same operators on the same values in the same runtime: equal up to kernel choice.
        Close.Assert(full, composed, 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(1234)] // three of OrtRunner's chunks, the last one partial
    public void Any_batch_size_runs_and_each_row_matches_its_single_row_result(int rows)
    {
        float[] pixels = Mnist.TestPixels(rows);
        byte[] encoder = models.Onnx("relu", ModelRole.Encoder);

        float[] batch = OrtRunner.Run(encoder, pixels, rows);

        Assert.Equal(rows * 2, batch.Length);
        foreach (int row in new[] { 0, rows / 2, rows - 1 })
            Close.Assert(OrtRunner.Run(encoder, pixels[(row * 784)..((row + 1) * 784)], 1), batch[(row * 2)..((row + 1) * 2)], Tolerance);
    }

    [Fact]
    public void An_input_of_another_length_than_its_rows_is_refused_with_both_counts()
    {
        byte[] encoder = models.Onnx("relu", ModelRole.Encoder);

        var error = Assert.Throws<ArgumentException>(() => OrtRunner.Run(encoder, new float[3 * 784 + 1], 3));

        Assert.Contains("expected 3 rows of 784 values (2352)", error.Message);
        Assert.Contains("found 2353 values", error.Message);
    }

    [Fact]
    public void Exporting_the_same_weights_twice_gives_byte_identical_files()
    {
        ModelExport.Result again = TrainingRuns.Export(models.Trainer("relu"), TrainedModels.ParityRows);

        foreach (ModelRole role in ModelRoles.All)
            Assert.Equal(models.Onnx("relu", role), again.Files[role]);
    }

    [Fact]
    public void The_export_gate_allows_1e_4_plus_1e_5_of_the_largest_output()
    {
        // Probabilities: the absolute 1e-4 (plus 5e-6). Codes reaching 300: 1e-4 + 3e-3, about 200 float
        // spacings at that magnitude, still far below what a structural error moves (1e-2 or more, and
        // relative, not a few roundings).
        Assert.Equal(1e-4 + 5e-6, ModelExport.ParityBound([0.5f, 0.25f]), 12);
        Assert.Equal(1e-4 + 3e-3, ModelExport.ParityBound([200f, -300f, 1f]), 12);
    }
}
