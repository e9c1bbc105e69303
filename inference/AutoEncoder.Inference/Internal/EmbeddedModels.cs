using System.Reflection;
using AutoEncoder.ModelFormat;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The seed-trained MNIST models, shipped in the AutoEncoder.Inference.Models assembly beside this one
/// (the package carries both). They live apart because the app that trains them uses this library.
/// </summary>
internal static class EmbeddedModels
{
    const string AssemblyName = "AutoEncoder.Inference.Models";

    /// <summary>
    /// The embedded name of <paramref name="model"/>'s <paramref name="fileName"/>: the seed model's files at the top
    /// (<c>encoder.onnx</c>), the others in a folder of their name (<c>deep/encoder.onnx</c>), as in models/.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="model"/> has no such file (the UMAP model is an encoder only, the VAE has no full model).</exception>
    public static string NameOf(PretrainedModel model, string fileName) => model switch
    {
        PretrainedModel.Seed => fileName,
        PretrainedModel.Deep => $"deep/{fileName}",
        PretrainedModel.Umap when fileName == RoleNames.FileName(RoleNames.Encoder) => $"umap/{fileName}",
        PretrainedModel.Umap => throw new ArgumentException(
            $"expected a model with a {fileName}, found {model}, which is an encoder only (use {PretrainedModel.Seed} or {PretrainedModel.Deep})", nameof(model)),
        PretrainedModel.Vae when fileName != RoleNames.FileName(RoleNames.Autoencoder) => $"vae/{fileName}",
        PretrainedModel.Vae => throw new ArgumentException(
            $"expected a model with an {fileName}, found {model}, which ships its encoder and decoder only (use {PretrainedModel.Seed} or {PretrainedModel.Deep})", nameof(model)),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, $"expected {string.Join(", ", Enum.GetNames<PretrainedModel>())}"),
    };

    /// <summary>Reads the embedded <paramref name="fileName"/> (e.g. <c>encoder.onnx</c>).</summary>
    /// <exception cref="InvalidOperationException">The models' assembly, or the model in it, is missing.</exception>
    public static byte[] Read(string fileName)
    {
        string name = $"{AssemblyName}.{fileName.Replace('/', '.')}";
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
