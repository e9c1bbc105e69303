// Emits: the nodes of each child in order, each child's output feeding the next.
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts <see cref="Sequential"/> by chaining its children's conversions, scoped "parent.index".</summary>
internal sealed class SequentialConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(Sequential);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        string value = input;
        foreach ((string name, torch.nn.Module child) in module.named_children())
            value = context.Convert(child, scope.Length == 0 ? name : $"{scope}.{name}", value);
        return value;
    }
}
