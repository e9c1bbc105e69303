using AutoEncoder.ModelFormat;
using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Training.Export;

/// <summary>Runs an ONNX model in ONNX Runtime (for parity checks and evaluation), and measures distances between outputs.</summary>
internal static class OrtRunner
{
    /// <summary>
    /// Rows a session runs at a time, and the rows of each TorchSharp pass the export compares with it. A whole test
    /// set at once made every intermediate tensor a fresh mapping of memory: exporting a conv-preset checkpoint
    /// (10,000 parity rows, whose first convolution's output alone is 250 MB) took 28 s, 2.6 million page faults
    /// and 20 s of system time; 500 rows at a time, with <c>NativeHeap</c>'s thresholds set for every command, 7 s,
    /// 0.22 million and 1.6 s (2026-12-07).
    /// </summary>
    public const int ChunkRows = 500;

    /// <summary>Runs <paramref name="model"/> on <paramref name="rows"/> examples of <paramref name="input"/>, each shaped as the model's input declares after its batch dimension.</summary>
    public static float[] Run(byte[] model, float[] input, int rows) => RunOutputs(model, input, rows)[0];

    /// <summary>
    /// As <see cref="Run(byte[], float[], int)"/>, for a model of several float outputs: those named <paramref name="names"/>,
    /// in that order (the model's only output when none is named).
    /// </summary>
    public static float[][] RunOutputs(byte[] model, float[] input, int rows, params string[] names)
    {
        List<float>[] outputs = [.. Enumerable.Range(0, Math.Max(names.Length, 1)).Select(_ => new List<float>())];
        RunInChunks(model, input, rows, names, values =>
        {
            for (int i = 0; i < outputs.Length; i++) outputs[i].AddRange(values[i].GetTensorDataAsSpan<float>());
        });
        return [.. outputs.Select(o => o.ToArray())];
    }

    /// <summary>Runs a cluster model (<c>ClusterExport</c>): each row's probabilities and its <c>cluster</c> output.</summary>
    public static (float[] Probabilities, long[] Clusters) RunCluster(byte[] model, float[] input, int rows)
    {
        List<float> probabilities = [];
        List<long> clusters = [];
        RunInChunks(model, input, rows, [TensorNames.Probabilities, TensorNames.Cluster], values =>
        {
            probabilities.AddRange(values[0].GetTensorDataAsSpan<float>());
            clusters.AddRange(values[1].GetTensorDataAsSpan<long>());
        });
        return ([.. probabilities], [.. clusters]);
    }

    // One session on one thread, fed ChunkRows rows at a time; collect reads each chunk's outputs named (the
    // model's only one when none is named) before they are freed.
    private static void RunInChunks(byte[] model, float[] input, int rows, string[] names, Action<IReadOnlyList<OrtValue>> collect)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        string inputName = session.InputMetadata.Keys.Single();
        string[] outputNames = names.Length > 0 ? names : [session.OutputMetadata.Keys.Single()];
        long[] rowShape = [.. session.InputMetadata[inputName].Dimensions.Skip(1).Select(d => (long)d)];
        int width = (int)rowShape.Aggregate(1L, (product, d) => product * d);
        if (input.Length != (long)rows * width)
            throw new ArgumentException($"expected {rows} rows of {width} values ({(long)rows * width}) for the model's input {inputName}, found {input.Length} values");
        using var runOptions = new RunOptions();
        for (int start = 0; start < rows; start += ChunkRows)
        {
            int count = Math.Min(ChunkRows, rows - start);
            using OrtValue tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                input.AsMemory(start * width, count * width), [count, .. rowShape]);
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [inputName], [tensor], outputNames);
            collect(outputs);
        }
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
