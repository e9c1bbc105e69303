using static TorchSharp.torch;

namespace AutoEncoder.Training.Evaluation;

/// <summary>
/// Principal component analysis: the top eigenvectors of the sample covariance, computed in float64.
/// Each component's sign is fixed so that its largest-magnitude entry is positive, making projections
/// reproducible.
/// </summary>
internal sealed class PrincipalComponents
{
    private readonly double[] mean;
    private readonly double[,] components; // [component, feature]

    private PrincipalComponents(double[] mean, double[,] components, double[] variances)
    {
        this.mean = mean;
        this.components = components;
        Variances = variances;
    }

    /// <summary>Variance along each component, largest first.</summary>
    public double[] Variances { get; }

    /// <summary>Component <paramref name="c"/> as a unit vector.</summary>
    public double[] Component(int c) => Enumerable.Range(0, mean.Length).Select(f => components[c, f]).ToArray();

    /// <summary>Fits <paramref name="count"/> components to <paramref name="rows"/> rows of <paramref name="width"/> values.</summary>
    public static PrincipalComponents Fit(float[] data, int rows, int width, int count)
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(data, [rows, width]).to_type(ScalarType.Float64);
        Tensor center = x.mean([0]);
        Tensor centered = x - center;
        Tensor covariance = centered.t().mm(centered) / (rows - 1);
        (Tensor values, Tensor vectors) = linalg.eigh(covariance); // ascending eigenvalues
        Tensor top = vectors.narrow(1, width - count, count).flip(1).t().contiguous(); // [count, width]
        double[] flat = top.data<double>().ToArray();

        var components = new double[count, width];
        for (int c = 0; c < count; c++)
        {
            int largest = 0;
            for (int f = 1; f < width; f++)
                if (Math.Abs(flat[c * width + f]) > Math.Abs(flat[c * width + largest])) largest = f;
            double sign = flat[c * width + largest] < 0 ? -1 : 1;
            for (int f = 0; f < width; f++) components[c, f] = sign * flat[c * width + f];
        }
        double[] variances = values.flip(0).narrow(0, 0, count).data<double>().ToArray();
        return new PrincipalComponents(center.data<double>().ToArray(), components, variances);
    }

    /// <summary>The point in the original space whose projection is <paramref name="projected"/>.</summary>
    public float[] Inverse(ReadOnlySpan<float> projected)
    {
        var point = new float[mean.Length];
        for (int f = 0; f < mean.Length; f++)
        {
            double sum = mean[f];
            for (int c = 0; c < projected.Length; c++) sum += projected[c] * components[c, f];
            point[f] = (float)sum;
        }
        return point;
    }

    /// <summary>Projects rows onto the components: rows × count, row-major.</summary>
    public float[] Project(float[] data, int rows)
    {
        int width = mean.Length, count = components.GetLength(0);
        var projected = new float[rows * count];
        Parallel.For(0, rows, r =>
        {
            for (int c = 0; c < count; c++)
            {
                double sum = 0;
                for (int f = 0; f < width; f++) sum += (data[r * width + f] - mean[f]) * components[c, f];
                projected[r * count + c] = (float)sum;
            }
        });
        return projected;
    }

    /// <summary>Per row, the mean squared distance between the row and its reconstruction from the components.</summary>
    public float[] ReconstructionErrors(float[] data, int rows)
    {
        int width = mean.Length, count = components.GetLength(0);
        float[] projected = Project(data, rows);
        var errors = new float[rows];
        Parallel.For(0, rows, r =>
        {
            float[] point = Inverse(projected.AsSpan(r * count, count));
            double sum = 0;
            for (int f = 0; f < width; f++) sum += (data[r * width + f] - (double)point[f]) * (data[r * width + f] - (double)point[f]);
            errors[r] = (float)(sum / width);
        });
        return errors;
    }
}
