using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Training.Model;

/// <summary>What one planned layer computes.</summary>
internal enum LayerKind
{
    /// <summary>y = x·Wᵀ + b.</summary>
    Linear,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>x for x ≥ 0, slope·x below.</summary>
    LeakyRelu,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,
    /// <summary>Dropout: random zeros while training, the identity at inference.</summary>
    Dropout,
    /// <summary>The identity.</summary>
    Identity,
}

/// <summary>One leaf module of a network, in the order it runs.</summary>
/// <param name="Scope">Its path in the module tree, e.g. <c>encoder.2</c>; names its ONNX nodes and weights.</param>
/// <param name="Module">The module itself.</param>
/// <param name="Kind">What it computes.</param>
/// <param name="Inputs">Width of the rows it reads.</param>
/// <param name="Outputs">Width of the rows it writes.</param>
internal sealed record PlannedLayer(string Scope, torch.nn.Module Module, LayerKind Kind, long Inputs, long Outputs);

/// <summary>
/// A network's layers, read once from its module tree (containers flattened, widths followed from the
/// input): the one description of the layout that the trainer, the FLOP count and the exporter use. A
/// module it does not know is an error naming it, never a default.
/// </summary>
internal sealed class LayerPlan
{
    private static readonly Dictionary<Type, LayerKind> Kinds = new()
    {
        [typeof(Linear)] = LayerKind.Linear,
        [typeof(ReLU)] = LayerKind.Relu,
        [typeof(LeakyReLU)] = LayerKind.LeakyRelu,
        [typeof(Tanh)] = LayerKind.Tanh,
        [typeof(Sigmoid)] = LayerKind.Sigmoid,
        [typeof(Dropout)] = LayerKind.Dropout,
        [typeof(Identity)] = LayerKind.Identity,
    };

    private LayerPlan(IReadOnlyList<PlannedLayer> layers, long inputWidth)
    {
        Layers = layers;
        InputWidth = inputWidth;
    }

    /// <summary>The leaf layers in the order they run.</summary>
    public IReadOnlyList<PlannedLayer> Layers { get; }

    /// <summary>Width of the network's input rows.</summary>
    public long InputWidth { get; }

    /// <summary>Width of the network's output rows.</summary>
    public long OutputWidth => Layers.Count == 0 ? InputWidth : Layers[^1].Outputs;

    /// <summary>Module types a plan can hold (containers: <see cref="Sequential"/>), by name.</summary>
    public static IEnumerable<string> SupportedTypes =>
        Kinds.Keys.Append(typeof(Sequential)).Select(type => type.Name).Order(StringComparer.Ordinal);

    /// <summary>Plans <paramref name="stages"/> run one after another on rows of <paramref name="inputWidth"/> values.</summary>
    /// <exception cref="NotSupportedException">A module type is not one a plan can hold; the message names it and lists those it can.</exception>
    /// <exception cref="ArgumentException">A Linear layer's input width does not match the rows reaching it.</exception>
    public static LayerPlan Of(IEnumerable<(string Scope, torch.nn.Module Module)> stages, long inputWidth)
    {
        var layers = new List<PlannedLayer>();
        long width = inputWidth;
        foreach ((string scope, torch.nn.Module module) in stages) width = Add(layers, scope, module, width);
        return new LayerPlan(layers, inputWidth);
    }

    /// <summary>
    /// Matrix-multiply FLOPs of one training step on <paramref name="rows"/> rows: per Linear layer in→out,
    /// forward 2·rows·in·out, the weight gradient as much again, and the input gradient as much again except
    /// for the first layer, whose input is data. Biases and activations are a rounding error beside these.
    /// </summary>
    public double TrainingFlops(int rows)
    {
        double flops = 0;
        bool first = true;
        foreach (PlannedLayer layer in Layers.Where(l => l.Kind == LayerKind.Linear))
        {
            flops += (first ? 4.0 : 6.0) * rows * layer.Inputs * layer.Outputs;
            first = false;
        }
        return flops;
    }

    private static long Add(List<PlannedLayer> layers, string scope, torch.nn.Module module, long width)
    {
        if (module is Sequential)
        {
            foreach ((string name, torch.nn.Module child) in module.named_children())
                width = Add(layers, scope.Length == 0 ? name : $"{scope}.{name}", child, width);
            return width;
        }
        if (!Kinds.TryGetValue(module.GetType(), out LayerKind kind))
            throw new NotSupportedException(
                $"{scope}: module type {module.GetType().Name} is not supported; supported types are {string.Join(", ", SupportedTypes)}");

        long outputs = width;
        if (module is Linear linear)
        {
            if (linear.in_features != width)
                throw new ArgumentException($"{scope}: Linear expects {linear.in_features} inputs, but the rows reaching it have {width}");
            outputs = linear.out_features;
        }
        layers.Add(new PlannedLayer(scope, module, kind, width, outputs));
        return outputs;
    }
}
