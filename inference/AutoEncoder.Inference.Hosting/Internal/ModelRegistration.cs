namespace AutoEncoder.Inference.Hosting.Internal;

/// <summary>One set of registered models: its service key (null when not keyed) and which models it holds.</summary>
internal sealed record ModelRegistration(string? Key, AutoEncoderModels Models);
