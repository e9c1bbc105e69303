namespace AutoEncoder.ModelFormat;

/// <summary>The roles an exported model plays, as written in its metadata, and the file each is stored in.</summary>
internal static class RoleNames
{
    /// <summary>Rows → codes.</summary>
    public const string Encoder = "encoder";

    /// <summary>Codes → reconstructions.</summary>
    public const string Decoder = "decoder";

    /// <summary>Rows → reconstructions (the full model, and the anomaly detector's).</summary>
    public const string Autoencoder = "autoencoder";

    /// <summary>Rows → cluster probabilities and assignments (the encoder followed by a fitted clustering).</summary>
    public const string Cluster = "cluster";

    /// <summary>The file a role is stored in, e.g. <c>encoder.onnx</c>.</summary>
    public static string FileName(string role) => $"{role}.onnx";
}
