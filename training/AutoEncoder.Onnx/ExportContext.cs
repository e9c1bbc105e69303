using System.Runtime.InteropServices;
using TorchSharp;

namespace AutoEncoder.Onnx;

/// <summary>What a converter works with: the graph being built and the registry, for containers that recurse.</summary>
internal sealed class ExportContext(GraphBuilder graph, ConverterRegistry converters)
{
    /// <summary>The graph being built.</summary>
    public GraphBuilder Graph { get; } = graph;

    /// <summary>
    /// The dimensions after the batch of what <paramref name="module"/> computes from an input of
    /// <paramref name="inputShape"/>, found by running it on one zero example: the module's own arithmetic
    /// decides (padding, ceil mode, rounding of scales), so no converter repeats PyTorch's shape formulas.
    /// </summary>
    /// <exception cref="InvalidOperationException">The module is in training mode (it would not compute what inference does), or refuses the shape.</exception>
    public static long[] OutputShapeOf(torch.nn.Module module, string scope, long[] inputShape)
    {
        if (module.training)
            throw new InvalidOperationException($"{scope}: {module.GetType().Name} is in training mode; call eval() before exporting");
        using var noGrad = torch.no_grad();
        using torch.Tensor probe = torch.zeros([1, .. inputShape]);
        try
        {
            using torch.Tensor output = ((torch.nn.Module<torch.Tensor, torch.Tensor>)module).forward(probe);
            return output.shape[1..];
        }
        catch (ExternalException refused)
        {
            throw new InvalidOperationException($"{scope}: {module.GetType().Name} cannot take an input of shape {GraphBuilder.Describe(inputShape)}: {refused.Message.Split('\n')[0]}", refused);
        }
    }

    /// <summary>Converts a (child) module with the converter registered for its type.</summary>
    public string Convert(torch.nn.Module module, string scope, string input) =>
        converters.Find(module).Convert(module, scope, input, this);
}
