namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Counts the calls inside an object that holds native memory, so that disposing it while other threads
/// are still inside defers the release to the last call out instead of freeing memory under them (which
/// ended the process with SIGSEGV). A call that starts after disposal throws
/// <see cref="ObjectDisposedException"/>; calls already inside finish normally.
/// </summary>
internal sealed class CallGate
{
    // Twice the number of calls inside, plus 1 once closed: one word, so that entering and closing can
    // never both succeed against the same count.
    private int state;

    /// <summary>Lets a call in.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="owner"/> was disposed.</exception>
    public void Enter(object owner)
    {
        while (true)
        {
            int seen = Volatile.Read(ref state);
            ObjectDisposedException.ThrowIf((seen & 1) != 0, owner);
            if (Interlocked.CompareExchange(ref state, seen + 2, seen) == seen) return;
        }
    }

    /// <summary>Throws once the gate is closed, for a call that holds no native memory and need not be counted.</summary>
    /// <exception cref="ObjectDisposedException"><paramref name="owner"/> was disposed.</exception>
    public void ThrowIfClosed(object owner) => ObjectDisposedException.ThrowIf((Volatile.Read(ref state) & 1) != 0, owner);

    /// <summary>Lets a call out; true when it was the last one out of a closed gate, which must then release.</summary>
    public bool Exit() => Interlocked.Add(ref state, -2) == 1;

    /// <summary>Closes the gate; true when no call is inside, so the caller must release now.</summary>
    public bool Close()
    {
        while (true)
        {
            int seen = Volatile.Read(ref state);
            if ((seen & 1) != 0) return false;
            if (Interlocked.CompareExchange(ref state, seen | 1, seen) == seen) return seen == 0;
        }
    }
}
