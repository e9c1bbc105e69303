using System.Runtime.InteropServices;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM (what `docker stop` and Kubernetes send) as one request to stop cleanly:
/// the first one cancels <see cref="Token"/>, so training checkpoints after its batch; a second one ends
/// the process as the signal would. While <see cref="Deferred"/> is set (the export, which writes all its
/// files or none), the first signal is held until it is done instead.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly PosixSignalRegistration sigterm;
    private int received;

    public StopSignals()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = Receive());
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => stop.Token;

    /// <summary>Whether a stop was asked for.</summary>
    public bool Requested => Volatile.Read(ref received) > 0;

    /// <summary>Set while a step that must not be cut short runs; a first signal then only registers.</summary>
    public bool Deferred { get; set; }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = Receive();

    // True keeps the process alive (the first signal); false lets the signal end it (the second).
    private bool Receive()
    {
        if (Interlocked.Increment(ref received) > 1) return false;
        if (Deferred) Console.Error.WriteLine("stop requested: finishing the export first (a second signal ends the process without it)");
        stop.Cancel();
        return true;
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        sigterm.Dispose();
        stop.Dispose();
    }
}
