using System.Reflection;

namespace AutoEncoder.Inference.Internal;

/// <summary>The seed-trained MNIST models shipped inside this assembly.</summary>
internal static class EmbeddedModels
{
    /// <summary>Reads the embedded <paramref name="fileName"/> (e.g. <c>encoder.onnx</c>).</summary>
    public static byte[] Read(string fileName)
    {
        string name = $"AutoEncoder.Inference.Models.{fileName}";
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the package is missing its embedded model '{name}'");
        return ModelBytes.FromStream(stream);
    }
}
