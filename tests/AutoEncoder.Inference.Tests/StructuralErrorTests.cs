using AutoEncoder.Inference.Internal;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>
/// The structural anomaly score against its definition written the slow way: a direct 5×5 convolution
/// in double with zero padding. Tolerance 1e-5 relative: the scorer sums a plane's squares in float,
/// 8 or 16 lanes of up to ~100 terms each for 28×28, whose rounding reaches ~1e-6 of the score.
/// </summary>
public sealed class StructuralErrorTests
{
    private static readonly double[] Binomial = [1 / 16.0, 4 / 16.0, 6 / 16.0, 4 / 16.0, 1 / 16.0];

    // Each pixel's residual blurred by the direct 5×5 convolution.
    private static double[] ReferenceBlur(float[] row, float[] reconstruction, int channels, int height, int width)
    {
        var blurred = new double[row.Length];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    for (int dy = -2; dy <= 2; dy++)
                        for (int dx = -2; dx <= 2; dx++)
                        {
                            int yy = y + dy, xx = x + dx;
                            if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
                            int i = (c * height + yy) * width + xx;
                            blurred[(c * height + y) * width + x] += Binomial[dy + 2] * Binomial[dx + 2] * (row[i] - reconstruction[i]);
                        }
        return blurred;
    }

    private static double ReferenceDivisor(float[] row) => Math.Sqrt(row.Average(v => Math.Abs((double)v)) + StructuralError.InkFloor);

    private static double Reference(float[] row, float[] reconstruction, int channels, int height, int width) =>
        ReferenceBlur(row, reconstruction, channels, height, width).Sum(b => b * b) / row.Length / ReferenceDivisor(row);

    private static float Score(StructuralError score, float[] row, float[] reconstruction, float[]? perFeature = null) =>
        score.Score(row, reconstruction, perFeature ?? [], new float[score.ScratchLength]);

    private static float[] Random(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.NextSingle())];
    }

    private static StructuralError Shape(string shape, int size) =>
        StructuralError.FromMetadata(new Dictionary<string, string> { ["image_shape"] = shape }, size);

    // Non-square planes of several channels: a row or column mixed up, or a channel blurred into its
    // neighbour, would move the score far beyond the tolerance.
    [Theory]
    [InlineData("28,28", 1, 28, 28)]
    [InlineData("3,5,11", 3, 5, 11)]
    [InlineData("2,13,4", 2, 13, 4)]
    [InlineData("7,3", 1, 7, 3)]
    [InlineData("2,5,1", 2, 5, 1)]
    [InlineData("2,9,17", 2, 9, 17)]
    [InlineData("3,6,32", 3, 6, 32)]
    public void The_score_is_the_mean_squared_blurred_residual_over_the_root_of_the_mean_ink(string shape, int channels, int height, int width)
    {
        int size = channels * height * width;
        float[] row = Random(size, 1), reconstruction = Random(size, 2);

        double expected = Reference(row, reconstruction, channels, height, width);

        Assert.Equal(expected, Score(Shape(shape, size), row, reconstruction), expected * 1e-5);
    }

    // The detector does not check a batch's reconstructions when it scores by this, only the scores: it relies on
    // this, on both paths (28×28 in registers on AVX-512; the other shape through scratch), a bad pixel at a
    // plane's corner, where the blur's taps beyond the border weigh 0, and inside.
    [Theory]
    [InlineData("28,28", 784, float.NaN, 0)]
    [InlineData("28,28", 784, float.PositiveInfinity, 783)]
    [InlineData("28,28", 784, float.NegativeInfinity, 400)]
    [InlineData("3,5,11", 165, float.NaN, 164)]
    [InlineData("3,5,11", 165, float.PositiveInfinity, 0)]
    [InlineData("3,5,11", 165, float.NegativeInfinity, 60)]
    public void A_reconstruction_that_is_not_finite_gives_a_score_that_is_not(string shape, int size, float bad, int at)
    {
        float[] row = Random(size, 1), reconstruction = Random(size, 2);
        reconstruction[at] = bad;

        Assert.False(float.IsFinite(Score(Shape(shape, size), row, reconstruction)));
    }

    // Both have the same squared error (nine pixels off by 0.5); blurred, the patch keeps (1.914)² = 3.66
    // of a pixel's 9 × (70/256)² = 0.67 (sums of the binomial filter's autocorrelation): 5.4 times as much.
    [Fact]
    public void A_patch_of_error_scores_higher_than_as_many_scattered_pixels_of_it()
    {
        StructuralError score = Shape("28,28", 784);
        float[] row = new float[784], patch = new float[784], scattered = new float[784];
        Array.Fill(row, 0.5f);
        Array.Fill(patch, 0.5f);
        Array.Fill(scattered, 0.5f);
        for (int i = 0; i < 9; i++)
        {
            patch[(12 + i / 3) * 28 + 12 + i % 3] = 0;  // 3×3 block in the middle
            scattered[(4 + 7 * (i / 3)) * 28 + 4 + 7 * (i % 3)] = 0; // 7 apart: their blurs do not overlap
        }

        Assert.Equal(3.66 / 0.673, Score(score, row, patch) / Score(score, row, scattered), 0.01);
    }

    [Fact]
    public void The_same_residual_on_a_row_with_four_times_the_ink_scores_by_the_root_of_the_ink_ratio()
    {
        StructuralError score = Shape("28,28", 784);
        float[] faint = new float[784], bright = new float[784], error = Random(784, 3);
        Array.Fill(faint, 0.1f);
        Array.Fill(bright, 0.4f);
        float[] faintReconstruction = [.. faint.Zip(error, (x, e) => x - e)], brightReconstruction = [.. bright.Zip(error, (x, e) => x - e)];

        float ratio = Score(score, bright, brightReconstruction) / Score(score, faint, faintReconstruction);

        // √((0.1 + 0.001) / (0.4 + 0.001)) = 0.5262: the floor moves it off ½ by 0.03.
        Assert.Equal(Math.Sqrt(0.101 / 0.401), ratio, 1e-5);
    }

    // Each share against the direct convolution's, so that a pixel's share stored in another's place fails.
    // Tolerance 1e-5 of the largest share: a share is one blurred value squared, so its float rounding is a few
    // 1e-7 of itself; measured against the largest, a share near zero is not held to its own relative error.
    [Theory]
    [InlineData("2,13,4", 2, 13, 4)]
    [InlineData("28,28", 1, 28, 28)]
    [InlineData("2,9,17", 2, 9, 17)]
    [InlineData("3,6,32", 3, 6, 32)]
    public void Each_pixels_share_is_its_blurred_squared_residual_over_the_divisor(string shape, int channels, int height, int width)
    {
        int size = channels * height * width;
        float[] row = Random(size, 4), reconstruction = Random(size, 5), perFeature = new float[size];
        double divisor = ReferenceDivisor(row);
        double[] expected = [.. ReferenceBlur(row, reconstruction, channels, height, width).Select(b => b * b / divisor)];

        float total = Score(Shape(shape, size), row, reconstruction, perFeature);

        double tolerance = expected.Max() * 1e-5;
        for (int i = 0; i < size; i++) Assert.Equal(expected[i], perFeature[i], tolerance);
        Assert.Equal(total, perFeature.Average(), total * 1e-5);
        Assert.All(perFeature, share => Assert.True(share >= 0));
    }

    [Theory]
    [InlineData("27,28", "expected metadata image_shape 'H,W' or 'C,H,W' of 784 values, found '27,28'")]
    [InlineData("28", "expected metadata image_shape 'H,W' or 'C,H,W' of 784 values, found '28'")]
    [InlineData("28,-28", "expected metadata image_shape 'H,W' or 'C,H,W' of 784 values, found '28,-28'")]
    [InlineData("1,1,28,28", "expected metadata image_shape 'H,W' or 'C,H,W' of 784 values, found '1,1,28,28'")]
    public void A_shape_that_does_not_describe_the_rows_is_refused(string shape, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Shape(shape, 784));

        Assert.Equal(message, error.Message);
    }
}
