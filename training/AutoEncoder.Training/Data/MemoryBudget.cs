namespace AutoEncoder.Training.Data;

/// <summary>
/// Whether an array a header declares can be read on this machine, decided before anything is allocated:
/// its bytes plus their float32 copy must fit in the memory the runtime may use. A 4.5 MB .npz whose
/// entries declared 4.7 GB once drove the process to 4.2 GB before failing with a message naming nothing.
/// </summary>
internal static class MemoryBudget
{
    /// <summary>Throws unless <paramref name="bytes"/> of data and <paramref name="elements"/> float32 values fit.</summary>
    /// <exception cref="InvalidDataException">They do not, or the array has more elements than one .NET array holds.</exception>
    public static void Check(string label, IReadOnlyList<int> shape, long bytes, long elements)
    {
        if (elements > Array.MaxLength)
            throw new InvalidDataException(
                $"{label}: header declares shape ({string.Join(", ", shape)}) = {elements:N0} values, more than the {Array.MaxLength:N0} one array of rows can hold");
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long needed = bytes + 4 * elements;
        if (needed > available)
            throw new InvalidDataException(
                $"{label}: header declares shape ({string.Join(", ", shape)}) = {bytes:N0} bytes; reading it takes about {needed:N0} bytes of memory with its float32 copy, more than the {available:N0} this machine has");
    }
}
