using Microsoft.Extensions.Options;

namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>
/// Checks <see cref="AutoEncoderOptions"/> when the host starts (ValidateOnStart), naming the configuration key
/// of each value out of range, so that a bad setting stops the host before it serves.
/// </summary>
internal sealed class AutoEncoderOptionsValidator : IValidateOptions<AutoEncoderOptions>
{
    public ValidateOptionsResult Validate(string? name, AutoEncoderOptions options)
    {
        string section = string.IsNullOrEmpty(name) ? "AutoEncoder" : $"AutoEncoder[{name}]";
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Pretrained))
            failures.Add($"{section}:Pretrained: expected {string.Join(", ", Enum.GetNames<PretrainedModel>())}, found {options.Pretrained}");
        if (options.Inference is not { } inference)
            failures.Add($"{section}:Inference: expected options, found null");
        else
        {
            if (inference.IntraOpThreads is < 1 or > InferenceOptions.MaxIntraOpThreads)
                failures.Add($"{section}:Inference:IntraOpThreads: expected 1 to {InferenceOptions.MaxIntraOpThreads}, found {inference.IntraOpThreads}");
            if (inference.AnomalyThreshold is float threshold && !(float.IsFinite(threshold) && threshold >= 0))
                failures.Add($"{section}:Inference:AnomalyThreshold: expected a finite value ≥ 0, found {threshold}");
            if (!Enum.IsDefined(inference.Backend))
                failures.Add($"{section}:Inference:Backend: expected Auto, OnnxRuntime or Managed, found {inference.Backend}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
