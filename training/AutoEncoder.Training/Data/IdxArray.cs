namespace AutoEncoder.Training.Data;

/// <summary>An n-dimensional array of bytes in row-major order, as stored in IDX and .npy files.</summary>
/// <param name="Shape">Size of each dimension, outermost first.</param>
/// <param name="Data">The elements; its length is the product of <paramref name="Shape"/>.</param>
internal sealed record IdxArray(int[] Shape, byte[] Data)
{
    /// <summary>Size of the outermost dimension (number of images or labels).</summary>
    public int Count => Shape[0];
}
