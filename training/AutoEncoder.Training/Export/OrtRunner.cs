using AutoEncoder.ModelFormat;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Training.Export;

/// <summary>Runs an ONNX model in ONNX Runtime (for parity checks and evaluation), and measures distances between outputs.</summary>
internal static class OrtRunner
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="rows"/> examples of <paramref name="input"/>, each shaped as the model's input declares after its batch dimension.</summary>
    public static float[] Run(byte[] model, float[] input, int rows) => Run(model, input, rows, null, outputs => outputs[0].GetTensorDataAsSpan<float>().ToArray());

    /// <summary>As <see cref="Run(byte[], float[], int)"/>, for a model of several float outputs: those named <paramref name="names"/>, in that order.</summary>
    public static float[][] RunOutputs(byte[] model, float[] input, int rows, params string[] names) =>
        Run(model, input, rows, names, outputs => outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray());

    /// <summary>Runs a cluster model (<c>ClusterExport</c>): each row's probabilities and its <c>cluster</c> output.</summary>
    public static (float[] Probabilities, long[] Clusters) RunCluster(byte[] model, float[] input, int rows) =>
        Run(model, input, rows, [TensorNames.Probabilities, TensorNames.Cluster],
            outputs => (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<long>().ToArray()));

    // One session on one thread; the outputs named (the model's only one when null) are read before it closes.
    private static T Run<T>(byte[] model, float[] input, int rows, string[]? names, Func<IReadOnlyList<OrtValue>, T> read)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        string inputName = session.InputMetadata.Keys.Single();
        long[] shape = [rows, .. session.InputMetadata[inputName].Dimensions.Skip(1).Select(d => (long)d)];
        using OrtValue tensor = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [inputName], [tensor], names ?? [session.OutputMetadata.Keys.Single()]);
        return read(outputs);
    }

    /// <summary>max |expected − actual| over all elements; infinite when the lengths differ or a value is NaN.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length) return double.PositiveInfinity;
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(difference)) return double.PositiveInfinity;
            max = Math.Max(max, difference);
        }
        return max;
    }
}
