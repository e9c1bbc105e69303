// Emits: Resize(X [batch, C, H, W], roi = "", scales = [1, 1, sH, sW]; mode nearest,
// coordinate_transformation_mode asymmetric, nearest_mode floor) -> [batch, C, H', W']: source pixel
// floor(x / s), which is torch's nearest upsampling. Minimum opset 13 (roi optional).
using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Converts nearest-neighbour <see cref="Upsample"/> to a Resize node.</summary>
internal sealed class UpsampleConverter : IModuleConverter
{
    /// <inheritdoc />
    public Type ModuleType => typeof(Upsample);

    /// <inheritdoc />
    public string Convert(torch.nn.Module module, string scope, string input, ExportContext context)
    {
        var upsample = (Upsample)module;
        if (upsample.mode != torch.UpsampleMode.Nearest)
            throw new NotSupportedException($"{scope}: Upsample in mode {upsample.mode} cannot be exported; supported: Nearest");
        GraphBuilder graph = context.Graph;
        long[] inputShape = graph.ShapeOf(input);
        long[] shape = ExportContext.OutputShapeOf(upsample, scope, inputShape);
        // The scales torch uses for the source index: the factor as given, or output / input for a size.
        double[] factors = upsample.scale_factor.Length > 0
            ? [.. Enumerable.Range(0, shape.Length - 1).Select(i => upsample.scale_factor[Math.Min(i, upsample.scale_factor.Length - 1)])]
            : [.. Enumerable.Range(1, shape.Length - 1).Select(i => (double)shape[i] / inputShape[i])];
        string scales = graph.AddInitializer($"{scope}.scales", [1f, 1f, .. factors.Select(f => (float)f)], shape.Length + 1);
        return graph.AddNode("Resize", minimumOpset: 13, [input, "", scales], output: null, shape, scope,
            GraphBuilder.StringAttribute("mode", "nearest"),
            GraphBuilder.StringAttribute("coordinate_transformation_mode", "asymmetric"),
            GraphBuilder.StringAttribute("nearest_mode", "floor"));
    }
}
