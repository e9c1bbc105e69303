using TorchSharp;
using TorchSharp.Modules;

namespace AutoEncoder.Training.Network;

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
    /// <summary>A 2-D convolution (Conv2d) or its transpose (ConvTranspose2d).</summary>
    Convolution,
    /// <summary>A change of shape only: Flatten, Unflatten.</summary>
    Reshape,
    /// <summary>Batch normalisation (BatchNorm1d, BatchNorm2d): batch statistics while training, running ones at inference.</summary>
    Normalization,
}

/// <summary>One leaf module of a network, in the order it runs.</summary>
/// <param name="Scope">Its path in the module tree, e.g. <c>encoder.2</c>; names its ONNX nodes and weights.</param>
/// <param name="Module">The module itself.</param>
/// <param name="Kind">What it computes.</param>
/// <param name="Inputs">Values per example it reads (all dimensions after the batch).</param>
/// <param name="Outputs">Values per example it writes.</param>
/// <param name="MultiplyAdds">Multiply-adds per example of its forward pass (0 for layers without weights).</param>
internal sealed record PlannedLayer(string Scope, torch.nn.Module Module, LayerKind Kind, long Inputs, long Outputs, long MultiplyAdds);

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
        [typeof(Conv2d)] = LayerKind.Convolution,
        [typeof(ConvTranspose2d)] = LayerKind.Convolution,
        [typeof(Flatten)] = LayerKind.Reshape,
        [typeof(Unflatten)] = LayerKind.Reshape,
        [typeof(BatchNorm1d)] = LayerKind.Normalization,
        [typeof(BatchNorm2d)] = LayerKind.Normalization,
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
    /// <exception cref="ArgumentException">A layer does not fit the shape reaching it (a Linear's input width, a convolution's channels).</exception>
    public static LayerPlan Of(IEnumerable<(string Scope, torch.nn.Module Module)> stages, long inputWidth)
    {
        var layers = new List<PlannedLayer>();
        long[] shape = [inputWidth];
        foreach ((string scope, torch.nn.Module module) in stages) shape = Add(layers, scope, module, shape);
        return new LayerPlan(layers, inputWidth);
    }

    /// <summary>
    /// Multiply-add FLOPs of one training step on <paramref name="rows"/> rows: per Linear or convolution,
    /// forward 2 FLOPs per multiply-add, the weight gradient as much again, and the input gradient as much
    /// again except for the first such layer, whose input is data. Biases and activations are a rounding
    /// error beside these.
    /// </summary>
    public double TrainingFlops(int rows)
    {
        double flops = 0;
        bool first = true;
        foreach (PlannedLayer layer in Layers.Where(l => l.MultiplyAdds > 0))
        {
            flops += (first ? 4.0 : 6.0) * rows * layer.MultiplyAdds;
            first = false;
        }
        return flops;
    }

    private static long[] Add(List<PlannedLayer> layers, string scope, torch.nn.Module module, long[] shape)
    {
        if (module is Sequential)
        {
            foreach ((string name, torch.nn.Module child) in module.named_children())
                shape = Add(layers, scope.Length == 0 ? name : $"{scope}.{name}", child, shape);
            return shape;
        }
        if (!Kinds.TryGetValue(module.GetType(), out LayerKind kind))
            throw new NotSupportedException(
                $"{scope}: module type {module.GetType().Name} is not supported; supported types are {string.Join(", ", SupportedTypes)}");

        long[] outputs = shape;
        long multiplyAdds = 0;
        switch (module)
        {
            case Linear linear:
                if (shape is not [long width] || linear.in_features != width)
                    throw new ArgumentException($"{scope}: Linear expects {linear.in_features} inputs, but the rows reaching it have {Describe(shape)}");
                outputs = [linear.out_features];
                multiplyAdds = linear.in_features * linear.out_features;
                break;
            case Convolution conv:
                if (shape.Length != 3 || shape[0] != conv.in_channels)
                    throw new ArgumentException($"{scope}: {module.GetType().Name} expects {conv.in_channels} channels of an image, but the rows reaching it have {Describe(shape)}");
                outputs = OutputShape(module, shape);
                // Every output value of a convolution (every input value of a transposed one) takes
                // kernel × (channels / groups) products.
                long kernel = conv.kernel_size.Aggregate(1L, (product, k) => product * k);
                multiplyAdds = conv.transposed
                    ? Size(shape) * kernel * conv.out_channels / conv.groups
                    : Size(outputs) * kernel * conv.in_channels / conv.groups;
                break;
            case Flatten or Unflatten:
                outputs = OutputShape(module, shape);
                break;
        }
        layers.Add(new PlannedLayer(scope, module, kind, Size(shape), Size(outputs), multiplyAdds));
        return outputs;
    }

    // What a shape-changing layer makes of one example, found by running it once on zeros.
    private static long[] OutputShape(torch.nn.Module module, long[] shape)
    {
        using var noGrad = torch.no_grad();
        using torch.Tensor probe = torch.zeros([1, .. shape]);
        using torch.Tensor output = ((torch.nn.Module<torch.Tensor, torch.Tensor>)module).forward(probe);
        return output.shape[1..];
    }

    private static long Size(long[] shape) => shape.Aggregate(1L, (product, d) => product * d);

    private static string Describe(long[] shape) => shape.Length == 1 ? shape[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"shape [{string.Join(", ", shape)}]";
}
