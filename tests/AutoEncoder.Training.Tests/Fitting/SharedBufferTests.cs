using AutoEncoder.Training.Fitting;
using AutoEncoder.Training.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace AutoEncoder.Training.Tests.Fitting;

/// <summary>Managed memory shared with tensors: its views, and making them while the finaliser runs.</summary>
public sealed class SharedBufferTests
{
    private static SharedBuffer Counting(int rows, int columns)
    {
        var buffer = new SharedBuffer(rows, columns);
        for (int i = 0; i < rows * columns; i++) buffer.Array[buffer.Offset + i] = i;
        return buffer;
    }

    [Fact]
    public void A_slice_views_the_elements_from_its_offset_in_the_shape_asked()
    {
        using SharedBuffer buffer = Counting(3, 4);
        using Tensor slice = buffer.Slice(5, 2, 3);

        Assert.Equal([2L, 3L], slice.shape);
        Assert.Equal([5f, 6, 7, 8, 9, 10], slice.data<float>().ToArray());
    }

    [Fact]
    public void A_slice_shares_the_buffers_memory()
    {
        using SharedBuffer buffer = Counting(2, 2);
        using Tensor slice = buffer.Slice(2, 2);

        slice.fill_(-1);

        Assert.Equal([0f, 1, -1, -1], buffer.Array.AsSpan(buffer.Offset, 4).ToArray());
    }

    // The training steps build their buffers and slices while other threads may allocate. A temporary tensor
    // left to its finaliser could be freed while libtorch was still making a view of it; the checkpoint fuzz
    // test's host died so in CI, in libtorch's `view`. With the temporaries chained as before, this loop crashed
    // the test host in three runs out of three, each whole `dotnet test` run (host start included) over within
    // 4.1 s; with them disposed by the buffer, 300,000 rounds take 4–5 s (2026-12-06, this machine).
    [Fact]
    public void Buffers_and_slices_are_made_safely_while_other_threads_collect()
    {
        using var pressure = new CollectionPressure();
        for (int i = 0; i < 300_000; i++)
        {
            using SharedBuffer buffer = Counting(2, 4);
            using Tensor slice = buffer.Slice(3, 4);
            Assert.Equal(3f, slice.data<float>()[0]);
        }
    }
}
