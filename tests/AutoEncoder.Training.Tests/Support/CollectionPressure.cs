using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Support;

/// <summary>
/// Another thread that allocates and collects without pause until disposed, so that finalisers run while the
/// code under test is inside a libtorch call: the race a training run meets when its other threads allocate,
/// made frequent enough to be met within seconds.
/// </summary>
internal sealed class CollectionPressure : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    /// <summary>Starts the collecting thread.</summary>
    public CollectionPressure()
    {
        thread = new Thread(Collect) { IsBackground = true, Name = nameof(CollectionPressure) };
        thread.Start();
    }

    private void Collect()
    {
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < 50; i++) zeros(4).Dispose();
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>Stops the thread and waits for it.</summary>
    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }
}
