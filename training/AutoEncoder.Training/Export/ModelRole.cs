using AutoEncoder.ModelFormat;

namespace AutoEncoder.Training.Export;

/// <summary>Which part of the autoencoder an ONNX file holds.</summary>
internal enum ModelRole
{
    /// <summary><c>pixels</c> [batch, 784] → <c>embedding</c> [batch, latent].</summary>
    Encoder,
    /// <summary><c>embedding</c> [batch, latent] → <c>reconstruction</c> [batch, 784], probabilities.</summary>
    Decoder,
    /// <summary><c>pixels</c> [batch, 784] → <c>reconstruction</c> [batch, 784], probabilities.</summary>
    Autoencoder,
}

/// <summary>The roles in export order, and the names (<see cref="RoleNames"/>) each role's metadata and file carry.</summary>
internal static class ModelRoles
{
    /// <summary>All roles, in the order files are exported.</summary>
    public static IReadOnlyList<ModelRole> All { get; } = [ModelRole.Encoder, ModelRole.Decoder, ModelRole.Autoencoder];

    /// <summary>Lower-case role name, as written in metadata and the manifest.</summary>
    public static string Name(this ModelRole role) => role switch
    {
        ModelRole.Encoder => RoleNames.Encoder,
        ModelRole.Decoder => RoleNames.Decoder,
        _ => RoleNames.Autoencoder,
    };

    /// <summary>The role's file name, e.g. <c>encoder.onnx</c>.</summary>
    public static string FileName(this ModelRole role) => RoleNames.FileName(role.Name());
}
