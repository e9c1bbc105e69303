namespace AutoEncoder.Onnx;

/// <summary>How <see cref="OnnxExport"/> names and shapes the graph it writes. Every property has a working default.</summary>
public sealed class ExportOptions
{
    /// <summary>The graph input's name; "input" by default.</summary>
    public string InputName { get; set; } = "input";

    /// <summary>The graph output's name; "output" by default.</summary>
    public string OutputName { get; set; } = "output";

    /// <summary>The graph's name; "model" by default.</summary>
    public string GraphName { get; set; } = "model";

    /// <summary>The model's documentation string; empty by default.</summary>
    public string DocString { get; set; } = "";

    /// <summary>
    /// The default-domain opset the model imports: 17 by default and at most 17 (newer opsets are refused:
    /// their operators are not verified here). A lower one is accepted as long as every node the model needs
    /// exists in it; a node that needs a newer one is refused, naming it.
    /// </summary>
    public long Opset { get; set; } = OnnxExporter.Opset;

    /// <summary>
    /// The batch dimension: null (the default) keeps it symbolic ("batch"), so that the model takes any
    /// number of examples; a number fixes it, for runtimes that need static shapes.
    /// </summary>
    public long? BatchSize { get; set; }

    /// <summary>Key–value pairs stored in the model's metadata_props (what ONNX Runtime reports as custom metadata).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
