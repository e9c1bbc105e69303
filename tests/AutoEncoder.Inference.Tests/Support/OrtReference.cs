using Microsoft.ML.OnnxRuntime;

namespace AutoEncoder.Inference.Tests.Support;

/// <summary>ONNX Runtime called the plain way, as the reference every backend is compared with.</summary>
internal static class OrtReference
{
    /// <summary>Runs <paramref name="model"/> on <paramref name="rows"/> rows of <paramref name="input"/>.</summary>
    public static float[] Run(byte[] model, float[] input, int rows) => Run<float>(model, input, rows, null);

    /// <summary>Runs <paramref name="model"/> and returns its output <paramref name="output"/> (its only one when null).</summary>
    public static T[] Run<T>(byte[] model, float[] input, int rows, string? output) where T : unmanaged
    {
        using var session = new InferenceSession(model);
        using OrtValue tensor = OrtValue.CreateTensorValueFromMemory(input, [rows, input.Length / rows]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs =
            session.Run(runOptions, [session.InputMetadata.Keys.Single()], [tensor], [output ?? session.OutputMetadata.Keys.Single()]);
        return outputs[0].GetTensorDataAsSpan<T>().ToArray();
    }
}
