using System.Diagnostics;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Training.Tests.Cli;

/// <summary>
/// The training app as a separate process, stopped as a container runtime stops it: SIGTERM, like Ctrl+C,
/// saves a checkpoint after the current batch and exits 130, so that `--resume` goes on; an output folder
/// that cannot be written is refused before the first epoch.
/// </summary>
public sealed class StopSignalTests : IDisposable
{
    private readonly TempFolder output = new();

    public void Dispose() => output.Dispose();

    private static string App => Path.Combine(Repository.TrainingAppFolder, "autoencoder.dll");

    /// <summary>
    /// Starts `autoencoder train` with <paramref name="args"/>, waits until a line of its log starts with
    /// <paramref name="waitFor"/>, sends <paramref name="signal"/>, and returns the exit code and the log.
    /// </summary>
    private (int ExitCode, string[] Log) TrainAndSignal(string[] args, string waitFor, string signal)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { App, "train", "--data", Repository.MnistFolder, "--out", output.Path }.Concat(args))
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var reached = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            log.Enqueue(line.Data);
            if (line.Data.StartsWith(waitFor, StringComparison.Ordinal)) reached.Set();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();

        Assert.True(reached.Wait(TimeSpan.FromMinutes(2)), $"no line '{waitFor}…' came:\n" + string.Join("\n", log));
        using (Process kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the app did not stop");
        process.WaitForExit();
        return (process.ExitCode, [.. log]);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public void A_stop_signal_saves_a_checkpoint_to_resume_from(string signal)
    {
        (int code, string[] log) = TrainAndSignal(["--preset", "deep", "--epochs", "100", "--subset", "6000"], "epoch 1/", signal);

        Assert.Equal(130, code);
        Assert.Contains(log, line => line.StartsWith("interrupted at epoch", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(output.Path, "checkpoint.bin")));
        Assert.False(File.Exists(Path.Combine(output.Path, "manifest.json")));
    }

    [Fact]
    public void A_killed_run_with_checkpoint_every_resumes_from_its_last_checkpoint()
    {
        // SIGKILL cannot be caught: only the periodic checkpoint after epoch 3 survives it. The kill follows
        // epoch 4's line; the next checkpoint would come two epochs of 20,000 rows later.
        (int code, _) = TrainAndSignal(["--preset", "deep", "--epochs", "100", "--subset", "20000", "--checkpoint-every", "3"], "epoch 4/", "KILL");

        Assert.Equal(137, code);
        Assert.False(File.Exists(Path.Combine(output.Path, "manifest.json")));
        (int resumed, string printed) = ExternalProcess.Run("dotnet", null, App, "train", "--resume", "--epochs", "5", "--data", Repository.MnistFolder, "--out", output.Path);
        Assert.True(resumed == 0, printed);
        Assert.Contains("resuming 784-512-256-2 relu on 20,000 rows", printed, StringComparison.Ordinal);
        Assert.Contains("epoch 4/5  train loss", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch 3/5  train loss", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_during_the_export_lets_it_finish_so_the_files_agree()
    {
        (int code, string[] log) = TrainAndSignal(["--preset", "deep", "--epochs", "1", "--subset", "2000"], "exporting ONNX models", "INT");

        Assert.Equal(0, code);
        Assert.Contains(log, line => line.StartsWith("stop requested: finishing the export first", StringComparison.Ordinal));
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output.Path, "manifest.json")));
        foreach (System.Text.Json.JsonProperty artifact in manifest.RootElement.GetProperty("artifacts").EnumerateObject())
            Assert.Equal(AutoEncoder.Training.IO.FileHash.Sha256(Path.Combine(output.Path, artifact.Name)), artifact.Value.GetString());
    }

    [Fact]
    public void An_output_folder_that_cannot_be_written_is_refused_before_training()
    {
        string notAFolder = Path.Combine(output.Path, "file");
        File.WriteAllText(notAFolder, "");

        (int code, string printed) = ExternalProcess.Run("dotnet", null, App, "train", "--subset", "100", "--data", Repository.MnistFolder, "--out", notAFolder);

        Assert.Equal(1, code);
        string line = Assert.Single(printed.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.StartsWith($"error: {notAFolder}: expected an output folder training can write", line, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch", printed, StringComparison.Ordinal);
    }
}
