using System.Runtime.ExceptionServices;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Runs the shards of a training step at once: shard 0 on the calling thread, the others on dedicated
/// threads. Not the thread pool, because each worker must keep its own libtorch setting of one intra-op
/// thread, and because a seed-model step takes tens of microseconds: the workers spin briefly between
/// steps instead of sleeping, so handing them a shard costs far less than waking a pool thread.
/// </summary>
internal sealed class ShardWorkers : IDisposable
{
    // How long a waiting thread spins before it sleeps: ~0.2 ms, a few steps of the seed model. The spin
    // is pause instructions only: ManualResetEventSlim's own spinning yields the CPU, a system call
    // that costs more than a whole step on a virtual machine.
    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency / 5000;

    private readonly Worker[] workers;
    private Func<int, double>? shard;
    private bool disposed;

    /// <summary>Starts <paramref name="shards"/> − 1 threads, each of which first runs <paramref name="setUp"/>.</summary>
    public ShardWorkers(int shards, Action setUp)
    {
        workers = new Worker[shards - 1];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(i + 1);
            int index = i;
            var thread = new Thread(() => Serve(workers[index], setUp)) { IsBackground = true, Name = $"training shard {i + 1}" };
            workers[i].Thread = thread;
            thread.Start();
        }
    }

    /// <summary>Number of shards, the calling thread's included.</summary>
    public int Count => workers.Length + 1;

    /// <summary>Runs <paramref name="work"/>(k) for every shard k at once and returns the results in shard order.</summary>
    public void Run(Func<int, double> work, Span<double> results)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        shard = work;
        foreach (Worker worker in workers) worker.Start.Set();
        Exception? failure = null;
        try
        {
            results[0] = work(0);
        }
        catch (Exception e)
        {
            failure = e;
        }
        foreach (Worker worker in workers)
        {
            Await(worker.Done);
            worker.Done.Reset();
            results[worker.Index] = worker.Result;
            failure ??= worker.Failure;
            worker.Failure = null;
        }
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    private void Serve(Worker worker, Action setUp)
    {
        setUp();
        while (true)
        {
            Await(worker.Start);
            worker.Start.Reset();
            if (disposed) return;
            try
            {
                worker.Result = shard!(worker.Index);
            }
            catch (Exception e)
            {
                worker.Failure = e;
            }
            worker.Done.Set();
        }
    }

    private static void Await(ManualResetEventSlim signal)
    {
        long until = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        while (!signal.IsSet && System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(20);
        signal.Wait();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (Worker worker in workers)
        {
            worker.Start.Set();
            worker.Thread!.Join();
            worker.Start.Dispose();
            worker.Done.Dispose();
        }
    }

    private sealed class Worker(int index)
    {
        public int Index { get; } = index;
        public Thread? Thread { get; set; }
        public ManualResetEventSlim Start { get; } = new(false, spinCount: 1);
        public ManualResetEventSlim Done { get; } = new(false, spinCount: 1);
        public double Result { get; set; }
        public Exception? Failure { get; set; }
    }
}
