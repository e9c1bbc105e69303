// Emits: nothing. The module is the identity at inference (Identity; Dropout in eval mode), so its
// output is its input and the graph stays free of no-op nodes.
using TorchSharp;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts a module that computes the identity at inference by emitting no node at all.</summary>
internal sealed class PassThroughConverter<TModule> : IModuleConverter where TModule : torch.nn.Module
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context) => input;
}
