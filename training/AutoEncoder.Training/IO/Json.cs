using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoEncoder.Training.IO;

/// <summary>The one JSON style of every file we write: snake_case keys, lower-case enum names, indented.</summary>
internal static class Json
{
    /// <summary>Serializer options for manifests, checkpoints and ONNX metadata.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
        // A file that leaves out a value or sets a non-nullable one to null is malformed, not a default.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Compact form of the same style, for values embedded in other files.</summary>
    public static JsonSerializerOptions Compact { get; } = new(Options) { WriteIndented = false };
}
