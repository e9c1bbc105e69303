using TorchSharp;

namespace AutoEncoder.Onnx.Converters;

/// <summary>Reading a module's parameters and buffers as the float32 values an initializer stores.</summary>
internal static class Parameters
{
    /// <summary>The tensor's values in row-major order, as float32.</summary>
    public static float[] Values(torch.Tensor parameter)
    {
        using torch.Tensor values = parameter.detach().cpu().to_type(torch.ScalarType.Float32).contiguous();
        return values.data<float>().ToArray();
    }
}
