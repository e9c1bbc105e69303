using AutoEncoder.Training.Evaluation;
using Xunit;

namespace AutoEncoder.Training.Tests.Evaluation;

public sealed class PrincipalComponentsTests
{
    // Points a·u + b·v + (1, 2, 3) with u = (1, 1, 0)/√2, v = (0, 0, 1): a spread widely, b narrowly, so
    // the components are u then v, with the sample variances of a and b.
    private static readonly double[] A = [-6, -2, 2, 6, -6, -2, 2, 6];
    private static readonly double[] B = [-1, -1, -1, -1, 1, 1, 1, 1];
    private static readonly float[] Points = Enumerable.Range(0, 8)
        .SelectMany(i => new[] { (float)(A[i] / Math.Sqrt(2) + 1), (float)(A[i] / Math.Sqrt(2) + 2), (float)(B[i] + 3) }).ToArray();

    [Fact]
    public void Finds_the_known_directions_largest_variance_first_with_a_fixed_sign()
    {
        var pca = PrincipalComponents.Fit(Points, rows: 8, width: 3, count: 2);

        // Directions of float32 points: right to ~1e-7; 1e-6 leaves margin.
        Assert.Equal(new[] { 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 0 }, pca.Component(0), new Tolerance(1e-6));
        Assert.Equal(new[] { 0.0, 0, 1 }, pca.Component(1), new Tolerance(1e-6));
        // Sample variances of A and B (mean 0): Σa² / (n − 1). The points are float32, so they carry
        // ~1e-7 relative error: five decimals.
        Assert.Equal(160.0 / 7, pca.Variances[0], 5);
        Assert.Equal(8.0 / 7, pca.Variances[1], 5);
    }

    [Fact]
    public void Projection_recovers_the_coordinates_and_inverse_maps_back()
    {
        var pca = PrincipalComponents.Fit(Points, rows: 8, width: 3, count: 2);

        float[] projected = pca.Project(Points, 8);

        // float32 inputs: coordinates are recovered to float32 rounding (~1e-6 of values up to 9).
        Assert.Equal(A.Zip(B).SelectMany(p => new[] { p.First, p.Second }), projected.Select(v => (double)v), new Tolerance(1e-5));
        Assert.Equal(Points[..3].Select(v => (double)v), pca.Inverse(projected.AsSpan(0, 2)).Select(v => (double)v), new Tolerance(1e-5));
    }

    private sealed class Tolerance(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
