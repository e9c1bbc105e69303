using System.Reflection;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The seed-trained MNIST models, shipped in the AutoEncoder.Inference.Models assembly beside this one
/// (the package carries both). They live apart because the app that trains them uses this library.
/// </summary>
internal static class EmbeddedModels
{
    const string AssemblyName = "AutoEncoder.Inference.Models";

    /// <summary>Reads the embedded <paramref name="fileName"/> (e.g. <c>encoder.onnx</c>).</summary>
    /// <exception cref="InvalidOperationException">The models' assembly, or the model in it, is missing.</exception>
    public static byte[] Read(string fileName)
    {
        string name = $"{AssemblyName}.{fileName}";
        using Stream stream = Load().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{AssemblyName}.dll: expected the embedded model '{name}', found none");
        return ModelBytes.FromStream(stream);
    }

    static Assembly Load()
    {
        try
        {
            return Assembly.Load(new AssemblyName(AssemblyName));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"expected {AssemblyName}.dll beside AutoEncoder.Inference.dll (the package ships it; a project reference " +
                $"must reference inference/{AssemblyName} as well), found none", e);
        }
    }
}
