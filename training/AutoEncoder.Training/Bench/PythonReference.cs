using System.Diagnostics;
using System.Text.Json;

namespace AutoEncoder.Training.Bench;

/// <summary>Runs a reference script (copied beside the app) with Debian's Python, and reads the one JSON object it prints.</summary>
internal static class PythonReference
{
    /// <summary>The script's figures, or null with the reason when it could not run (<paramref name="install"/> says how to fix that).</summary>
    public static (T? Result, string? Missing) Run<T>(string script, IEnumerable<string> arguments, string install, string python = "/usr/bin/python3") where T : class
    {
        if (!File.Exists(python) || !File.Exists(script)) return (null, $"{python} or {script} not found");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            return (null, $"{Path.GetFileName(script)} failed ({error.Result.Trim().Split('\n')[^1]}); {install}");
        return (JsonSerializer.Deserialize<T>(output, IO.Json.Options), null);
    }
}
