using AutoEncoder.Tests.Support;

namespace AutoEncoder.Service.Tests.Support;

/// <summary>The encoder service as built, for tests that run it as its own process (start-up failures, raw sockets).</summary>
internal static class ServiceProgram
{
    /// <summary>The service's entry assembly, run with <c>dotnet</c>.</summary>
    public static string Dll => Path.Combine(Repository.Root, "inference", "samples", "EncoderService", "bin", "Release", "net10.0", "EncoderService.dll");
}
