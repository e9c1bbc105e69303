using System.Security.Cryptography;

namespace AutoEncoder.Training.IO;

/// <summary>SHA-256 as lower-case hex, the form manifests and ONNX metadata record.</summary>
internal static class FileHash
{
    /// <summary>The SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
