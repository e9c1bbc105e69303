using static TorchSharp.torch;

namespace AutoEncoder.Training.Fitting;

/// <summary>
/// Managed memory that a tensor shares (<c>frombuffer</c>), pinned and 64-byte aligned like libtorch's own
/// allocations: MKL picks its kernels by alignment, and a buffer that sat at a different offset in
/// another run would round differently and break bit-for-bit reproducibility.
/// </summary>
internal sealed class SharedBuffer : IDisposable
{
    private const int Alignment = 64;

    /// <summary>Allocates rows × columns floats.</summary>
    public unsafe SharedBuffer(int rows, int columns)
    {
        int count = rows * columns;
        Columns = columns;
        Array = GC.AllocateArray<float>(count + Alignment / sizeof(float), pinned: true);
        fixed (float* start = Array)
            Offset = (int)((Alignment - (long)start % Alignment) % Alignment / sizeof(float));
        using Tensor flat = frombuffer(Array, ScalarType.Float32, count, Offset, false);
        Tensor = flat.view(rows, columns);
    }

    /// <summary>
    /// A view of <paramref name="shape"/> of the buffer's elements from <paramref name="offset"/> on, counted
    /// through the rows.
    /// </summary>
    /// <remarks>
    /// The intermediate tensors are disposed here, after the view exists. Left to their finalisers they could be
    /// freed while libtorch still made the view: the checkpoint fuzz test's host died in <c>view</c> so
    /// (docs/internals.md).
    /// </remarks>
    public Tensor Slice(long offset, params long[] shape)
    {
        using Tensor flat = Tensor.view(-1);
        using Tensor slice = flat.narrow(0, offset, shape.Aggregate(1L, (product, length) => product * length));
        return slice.view(shape);
    }

    /// <summary>The backing array; the buffer's first element is at <see cref="Offset"/>.</summary>
    public float[] Array { get; }

    /// <summary>Index in <see cref="Array"/> of the buffer's first element.</summary>
    public int Offset { get; }

    /// <summary>Columns of a row (the tensor's second dimension).</summary>
    public int Columns { get; }

    /// <summary>The tensor view of the buffer.</summary>
    public Tensor Tensor { get; }

    /// <inheritdoc />
    public void Dispose() => Tensor.Dispose();
}
