using AutoEncoder.Training.Clustering;
using Xunit;

namespace AutoEncoder.Training.Tests.Clustering;

/// <summary>The assignment solver against every permutation of small random problems.</summary>
public sealed class HungarianTests
{
    private static IEnumerable<int[]> Arrangements(int rows, int columns, int[] prefix)
    {
        if (prefix.Length == rows)
        {
            yield return prefix;
            yield break;
        }
        for (int c = 0; c < columns; c++)
            if (!prefix.Contains(c))
                foreach (int[] arrangement in Arrangements(rows, columns, [.. prefix, c])) yield return arrangement;
    }

    private static double Cost(double[,] cost, int[] columns) => columns.Select((c, r) => cost[r, c]).Sum();

    [Theory]
    [InlineData(5, 5, 1)]
    [InlineData(6, 6, 2)]
    [InlineData(4, 7, 3)]
    [InlineData(1, 3, 4)]
    public void Finds_the_least_total_cost_that_brute_force_finds(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var cost = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) cost[r, c] = random.Next(-50, 50);

        int[] assignment = Hungarian.Minimize(cost);

        Assert.Equal(rows, assignment.Distinct().Count());
        Assert.Equal(Arrangements(rows, columns, []).Min(a => Cost(cost, a)), Cost(cost, assignment));
    }

    [Fact]
    public void More_rows_than_columns_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Hungarian.Minimize(new double[3, 2]));

        Assert.Contains("3 × 2", error.Message);
    }
}
