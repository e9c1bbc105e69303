using TorchSharp;

namespace AutoEncoder.Onnx;

/// <summary>Turns one TorchSharp module type into ONNX nodes.</summary>
internal interface IModuleConverter
{
    /// <summary>The exact module type this converter handles.</summary>
    Type ModuleType { get; }

    /// <summary>
    /// Appends nodes computing <paramref name="module"/> applied to <paramref name="input"/> and returns the
    /// name of the value holding the result. <paramref name="scope"/> is the module's path (e.g. "encoder.0"),
    /// used to name its nodes and initializers.
    /// </summary>
    string Convert(torch.nn.Module module, string scope, string input, ExportContext context);
}
