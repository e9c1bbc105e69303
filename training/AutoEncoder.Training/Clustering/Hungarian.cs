namespace AutoEncoder.Training.Clustering;

/// <summary>
/// The assignment problem (Kuhn 1955, Munkres 1957) in its O(n²·m) shortest-augmenting-path form with row and
/// column potentials: each row gets its own column so that the summed cost is least.
/// </summary>
internal static class Hungarian
{
    /// <summary>The column given to each row of <paramref name="cost"/> (rows ≤ columns), minimising the total cost.</summary>
    /// <exception cref="ArgumentException">More rows than columns, or a cost that is not finite.</exception>
    public static int[] Minimize(double[,] cost)
    {
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m) throw new ArgumentException($"expected no more rows than columns, found {n} × {m}", nameof(cost));
        foreach (double c in cost)
            if (!double.IsFinite(c)) throw new ArgumentException($"expected finite costs, found {c}", nameof(cost));

        // Index 0 is a virtual row/column; rowOfColumn[j] is the row (1-based) holding column j.
        var rowPotential = new double[n + 1];
        var columnPotential = new double[m + 1];
        var rowOfColumn = new int[m + 1];
        var previousColumn = new int[m + 1];
        for (int row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            var slack = Enumerable.Repeat(double.PositiveInfinity, m + 1).ToArray();
            var visited = new bool[m + 1];
            do
            {
                visited[column] = true;
                int current = rowOfColumn[column], next = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= m; j++)
                {
                    if (visited[j]) continue;
                    double reduced = cost[current - 1, j - 1] - rowPotential[current] - columnPotential[j];
                    if (reduced < slack[j]) (slack[j], previousColumn[j]) = (reduced, column);
                    if (slack[j] < delta) (delta, next) = (slack[j], j);
                }
                for (int j = 0; j <= m; j++)
                {
                    if (visited[j])
                    {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    }
                    else slack[j] -= delta;
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            // Flip the augmenting path back to the virtual column.
            do
            {
                int before = previousColumn[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            } while (column != 0);
        }
        var assignment = new int[n];
        for (int j = 1; j <= m; j++)
            if (rowOfColumn[j] != 0) assignment[rowOfColumn[j] - 1] = j - 1;
        return assignment;
    }
}
