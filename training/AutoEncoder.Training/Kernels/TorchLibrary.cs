using System.Runtime.InteropServices;
using TorchSharp;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// Loads libtorch and TorchSharp's native wrapper before the first TorchSharp call. When TorchSharp loads
/// them itself and fails, it prints a page of trace, throws a TypeInitializationException and, on some
/// install layouts, copies half a gigabyte of native libraries into the app's folder as a fallback. Loaded
/// here first, a failure is one line naming the library and the loader's reason, and the folder stays as built.
/// </summary>
internal static class TorchLibrary
{
    private static readonly string[] Libraries = ["torch_cpu", "LibTorchSharp"];

    /// <summary>Loads the native libraries TorchSharp needs (once per process).</summary>
    /// <exception cref="NotSupportedException">A library cannot be loaded; the message is the loader's reason.</exception>
    public static void Load()
    {
        foreach (string name in Libraries)
        {
            try
            {
                // Same resolution as TorchSharp's own: the app's deps.json, then the default search path.
                NativeLibrary.Load(name, typeof(torch).Assembly, null);
            }
            catch (DllNotFoundException e)
            {
                throw new NotSupportedException($"cannot load TorchSharp's native library {name}: {Reason(e.Message)}" +
                    (name == "LibTorchSharp" ? " (dotnet build copies it with its GLIBCXX_3.4.32 need marked weak: rebuild the app)" : ""));
            }
        }
    }

    /// <summary>
    /// The loader's reason for the file that exists (e.g. "version `GLIBCXX_3.4.32' not found (required by …)"):
    /// .NET lists one line per name and folder it tried, and all but one say the file is not there.
    /// </summary>
    private static string Reason(string message)
    {
        string[] tried = [.. message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Skip(1)];
        return tried.FirstOrDefault(line => !line.EndsWith("No such file or directory", StringComparison.Ordinal))
               ?? (tried.Length > 0 ? $"not found ({tried[0]})" : message);
    }
}
