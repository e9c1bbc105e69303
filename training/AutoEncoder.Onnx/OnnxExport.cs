using AutoEncoder.Onnx.Schema;
using Google.Protobuf;
using TorchSharp;

namespace AutoEncoder.Onnx;

/// <summary>
/// Exports a TorchSharp module (a <c>Sequential</c> of the supported layers: Linear, Conv2d, ConvTranspose2d,
/// BatchNorm1d/2d, MaxPool2d, nearest Upsample, Flatten, Unflatten, Dropout, and the ReLU, LeakyReLU, ELU,
/// GELU, Sigmoid and Tanh activations) to an ONNX model that ONNX Runtime and the official checker accept.
/// </summary>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="module"/> as an ONNX model to <paramref name="path"/>, whole or not at all.</summary>
    /// <param name="module">The module, in eval mode (<c>module.eval()</c>).</param>
    /// <param name="inputShape">One example's dimensions, without the batch: e.g. [1, 28, 28] for a grayscale image, [784] for a row.</param>
    /// <param name="path">The .onnx file to write; an existing file is replaced only once the new one is complete.</param>
    /// <param name="options">Names, opset, batch and metadata; null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="module"/>, <paramref name="inputShape"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException">An empty shape or path, a dimension below 1, equal input and output names, or a batch size below 1.</exception>
    /// <exception cref="InvalidOperationException">A module is in training mode, or a layer cannot take the shape it receives (the message names the layer and the shape).</exception>
    /// <exception cref="NotSupportedException">A module type has no converter (the message lists those that do), an option of a layer has no ONNX equivalent, or the opset is too new or too old for a node.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(torch.nn.Module module, long[] inputShape, string path, ExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = ToBytes(module, inputShape, options);
        string full = Path.GetFullPath(path);
        string partial = full + ".partial";
        try
        {
            File.WriteAllBytes(partial, model);
            File.Move(partial, full, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>The ONNX model's bytes for <paramref name="module"/>, as <see cref="Save"/> would write them.</summary>
    /// <inheritdoc cref="Save" path="/param[@name='module']"/>
    /// <inheritdoc cref="Save" path="/param[@name='inputShape']"/>
    /// <inheritdoc cref="Save" path="/param[@name='options']"/>
    /// <exception cref="ArgumentNullException"><paramref name="module"/> or <paramref name="inputShape"/> is null.</exception>
    /// <exception cref="ArgumentException">An empty shape, a dimension below 1, equal input and output names, or a batch size below 1.</exception>
    /// <exception cref="InvalidOperationException">A module is in training mode, or a layer cannot take the shape it receives.</exception>
    /// <exception cref="NotSupportedException">A module type has no converter, an option of a layer has no ONNX equivalent, or the opset is too new or too old for a node.</exception>
    public static byte[] ToBytes(torch.nn.Module module, long[] inputShape, ExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(inputShape);
        options ??= new ExportOptions();
        if (inputShape.Length == 0 || inputShape.Any(dimension => dimension < 1))
            throw new ArgumentException($"expected one example's dimensions, each at least 1 (e.g. [1, 28, 28]), found [{string.Join(", ", inputShape)}]", nameof(inputShape));
        if (options.InputName == options.OutputName)
            throw new ArgumentException($"expected different input and output names, found '{options.InputName}' for both", nameof(options));
        if (options.BatchSize is < 1)
            throw new ArgumentException($"expected a batch size of at least 1, or null for a symbolic batch, found {options.BatchSize}", nameof(options));
        if (options.Opset > OnnxExporter.Opset)
            throw new NotSupportedException($"opset {options.Opset} is newer than this exporter's operators are verified for (at most {OnnxExporter.Opset})");
        if (module.modules().Prepend(module).FirstOrDefault(m => m.training) is { } training)
            throw new InvalidOperationException($"{training.GetType().Name} is in training mode (dropout and batch statistics would differ from inference); call eval() before exporting");

        // A Sequential's layers are named "0", "1", … as torch names them; a single layer by its type.
        string scope = module is TorchSharp.Modules.Sequential ? "" : module.GetType().Name.ToLowerInvariant();
        var spec = new OnnxExporter.GraphSpec(options.GraphName, options.InputName, inputShape, options.OutputName, [(scope, module)], options.DocString);
        ModelProto model = OnnxExporter.Export(spec, options.Metadata, opset: options.Opset, batchSize: options.BatchSize);
        return model.ToByteArray();
    }
}
