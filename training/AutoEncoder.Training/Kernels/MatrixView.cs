using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Kernels;

/// <summary>
/// A row-major float32 matrix at an address that does not move while it is used: a libtorch tensor's memory
/// or a pinned array's. The kernels read and write it in place; taking a view of a pinned array costs no
/// call into libtorch, where each call (shape, strides, data pointer) costs a fraction of a microsecond.
/// </summary>
internal readonly unsafe struct MatrixView
{
    private readonly float* start;

    private MatrixView(float* start, int rows, int columns)
    {
        this.start = start;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Rows of the matrix.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix (the contiguous side).</summary>
    public int Columns { get; }

    /// <summary>The elements, row after row.</summary>
    public Span<float> Span => new(start, Rows * Columns);

    /// <summary>The address of the first element.</summary>
    public IntPtr Address => (IntPtr)start;

    /// <summary><paramref name="rows"/> × <paramref name="columns"/> floats from <paramref name="offset"/> of an array allocated pinned.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The matrix does not fit in the array.</exception>
    public static MatrixView Of(float[] pinned, int offset, int rows, int columns)
    {
        if (offset < 0 || rows < 0 || columns < 0 || (long)rows * columns > pinned.Length - (long)offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"expected {rows} × {columns} floats from {offset} within an array of {pinned.Length}");
        return new MatrixView((float*)Unsafe.AsPointer(ref pinned[0]) + offset, rows, columns);
    }

    /// <summary>A 2-D tensor as its matrix, or a 1-D one as a single row (a bias).</summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous float32 memory of one or two dimensions.</exception>
    public static MatrixView Of(Tensor tensor)
    {
        if (tensor.dtype != ScalarType.Float32 || !tensor.is_contiguous() || tensor.dim() is not (1 or 2))
            throw new ArgumentException(
                $"expected a contiguous float32 tensor of 1 or 2 dimensions, found {tensor.dtype} of strides [{string.Join(", ", tensor.stride())}]", nameof(tensor));
        long[] shape = tensor.shape;
        return new MatrixView((float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tensor.bytes)), shape.Length == 1 ? 1 : (int)shape[0], (int)shape[^1]);
    }

    /// <summary>The first <paramref name="rows"/> rows.</summary>
    public MatrixView Top(int rows) => new(start, rows, Columns);
}
