using System.Diagnostics;

namespace AutoEncoder.Tests.Support;

/// <summary>Runs a program to completion and captures what it prints.</summary>
internal static class ExternalProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/>; returns its exit code and stdout + stderr.</summary>
    public static (int ExitCode, string Output) Run(string program, string? workingDirectory, params IEnumerable<string> args) =>
        Run(program, workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Run(string, string?, IEnumerable{string})"/>, with <paramref name="environment"/> added to the child's environment.</summary>
    public static (int ExitCode, string Output) Run(string program, string? workingDirectory, IReadOnlyDictionary<string, string> environment, params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach ((string name, string value) in environment) start.Environment[name] = value;
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        // Read stderr concurrently: a child that fills one pipe while we wait on the other would hang.
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }
}
