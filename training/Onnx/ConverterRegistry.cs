using AutoEncoder.Training.Onnx.Converters;
using TorchSharp;

namespace AutoEncoder.Training.Onnx;

/// <summary>Maps each supported TorchSharp module type to its converter; the one place they are registered.</summary>
internal sealed class ConverterRegistry
{
    private readonly Dictionary<Type, IModuleConverter> converters = [];

    /// <summary>Every converter this project ships.</summary>
    public static ConverterRegistry Default { get; } = new ConverterRegistry()
        .Add(new LinearConverter())
        .Add(new ActivationConverter<TorchSharp.Modules.ReLU>("Relu", minimumOpset: 6))
        .Add(new ActivationConverter<TorchSharp.Modules.Sigmoid>("Sigmoid", minimumOpset: 6))
        .Add(new ActivationConverter<TorchSharp.Modules.Tanh>("Tanh", minimumOpset: 6))
        .Add(new LeakyReluConverter())
        .Add(new PassThroughConverter<TorchSharp.Modules.Identity>())
        .Add(new PassThroughConverter<TorchSharp.Modules.Dropout>())
        .Add(new ScalingConverter())
        .Add(new SequentialConverter());

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
