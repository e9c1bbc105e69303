using AutoEncoder.Onnx.Converters;
using TorchSharp;

namespace AutoEncoder.Onnx;

/// <summary>Maps each supported TorchSharp module type to its converter; the one place they are registered.</summary>
internal sealed class ConverterRegistry
{
    private readonly Dictionary<Type, IModuleConverter> converters = [];

    /// <summary>Every converter this project ships (shared: add to a <see cref="Builtin"/> registry instead).</summary>
    public static ConverterRegistry Default { get; } = Builtin();

    /// <summary>A new registry holding every converter this project ships, for a caller to add its own to.</summary>
    public static ConverterRegistry Builtin() => new ConverterRegistry()
        .Add(new LinearConverter())
        .Add(new ActivationConverter<TorchSharp.Modules.ReLU>("Relu", minimumOpset: 6))
        .Add(new ActivationConverter<TorchSharp.Modules.Sigmoid>("Sigmoid", minimumOpset: 6))
        .Add(new ActivationConverter<TorchSharp.Modules.Tanh>("Tanh", minimumOpset: 6))
        .Add(new ActivationConverter<TorchSharp.Modules.LeakyReLU>("LeakyRelu", minimumOpset: 6,
            relu => [GraphBuilder.FloatAttribute("alpha", (float)relu.negative_slope)]))
        .Add(new ActivationConverter<TorchSharp.Modules.ELU>("Elu", minimumOpset: 6, elu => [GraphBuilder.FloatAttribute("alpha", (float)elu.alpha)]))
        .Add(new GeluConverter())
        .Add(new ConvolutionConverter<TorchSharp.Modules.Conv2d>())
        .Add(new ConvolutionConverter<TorchSharp.Modules.ConvTranspose2d>())
        .Add(new BatchNormConverter<TorchSharp.Modules.BatchNorm1d>())
        .Add(new BatchNormConverter<TorchSharp.Modules.BatchNorm2d>())
        .Add(new MaxPoolConverter())
        .Add(new UpsampleConverter())
        .Add(new ReshapeConverter<TorchSharp.Modules.Flatten>((flatten, rank) => Dimension(flatten.start_dim, rank) >= 1))
        .Add(new ReshapeConverter<TorchSharp.Modules.Unflatten>((unflatten, rank) => Dimension(unflatten.dim, rank) >= 1))
        .Add(new PassThroughConverter<TorchSharp.Modules.Identity>())
        .Add(new PassThroughConverter<TorchSharp.Modules.Dropout>())
        .Add(new PassThroughConverter<TorchSharp.Modules.Dropout2d>())
        .Add(new SequentialConverter());

    // A dimension index as torch resolves it: negative counts from the end.
    static long Dimension(long index, int rank) => index < 0 ? index + rank : index;

    /// <summary>Module types that can be exported, by name.</summary>
    public IEnumerable<string> SupportedTypes => converters.Keys.Select(type => type.Name).Order(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="converter"/>.</summary>
    /// <exception cref="ArgumentException">A converter for that type is already registered.</exception>
    public ConverterRegistry Add(IModuleConverter converter)
    {
        if (!converters.TryAdd(converter.ModuleType, converter))
            throw new ArgumentException($"a converter for {converter.ModuleType.Name} is already registered", nameof(converter));
        return this;
    }

    /// <summary>The converter for <paramref name="module"/>'s exact type.</summary>
    /// <exception cref="NotSupportedException">No converter handles that type.</exception>
    public IModuleConverter Find(torch.nn.Module module) =>
        converters.TryGetValue(module.GetType(), out IModuleConverter? converter)
            ? converter
            : throw new NotSupportedException(
                $"cannot export module type {module.GetType().Name}: supported types are {string.Join(", ", SupportedTypes)}");
}
