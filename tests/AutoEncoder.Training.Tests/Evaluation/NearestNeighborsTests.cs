using AutoEncoder.Training.Evaluation;
using Xunit;

namespace AutoEncoder.Training.Tests.Evaluation;

public sealed class NearestNeighborsTests
{
    // Five references on a line: class 0 at x = 0 and 1, class 1 at x = 10, 11 and 12.
    private static readonly NearestNeighbors Line = new([0, 0, 1, 0, 10, 0, 11, 0, 12, 0], [0, 0, 1, 1, 1], dimensions: 2);

    [Theory]
    [InlineData(0.4f, 1, 0)] // nearest is x = 0
    [InlineData(0.4f, 3, 0)] // 0, 1, 10: two votes to one
    [InlineData(0.4f, 5, 1)] // k larger than class 0: all five vote, class 1 has three
    [InlineData(5.4f, 2, 0)] // 1 (4.4) and 10 (4.6) tie one vote each: the nearer class wins
    [InlineData(5.6f, 2, 1)] // 10 (4.4) and 1 (4.6): now class 1 is nearer
    public void Votes_follow_the_hand_checked_neighbours(float x, int k, byte expected)
    {
        Assert.Equal([expected], Line.Classify([x, 0], k));
    }

    [Fact]
    public void Equal_distances_favour_the_earlier_reference()
    {
        var knn = new NearestNeighbors([0, 0, 1, 0], [3, 4], dimensions: 2);

        Assert.Equal([0, 1], knn.Nearest([0.5f, 0], 2));
        Assert.Equal([3], knn.Classify([0.5f, 0], 1));
    }

    [Fact]
    public void Vectorised_search_finds_the_same_neighbours_as_a_plain_sort()
    {
        var random = new Random(5);
        float[] references = Enumerable.Range(0, 3 * 103).Select(_ => (float)random.NextDouble()).ToArray();
        int[] labels = Enumerable.Range(0, 103).Select(i => i % 10).ToArray();
        var knn = new NearestNeighbors(references, labels, dimensions: 3);
        float[] query = [0.3f, 0.6f, 0.1f];

        int[] expected = Enumerable.Range(0, 103)
            .OrderBy(i => Enumerable.Range(0, 3).Sum(d => (references[i * 3 + d] - query[d]) * (references[i * 3 + d] - query[d])))
            .ThenBy(i => i).Take(7).ToArray();

        Assert.Equal(expected, knn.Nearest(query, 7));
    }

    [Fact]
    public void Accuracy_is_the_share_of_correct_predictions()
    {
        Assert.Equal(0.5, Line.Accuracy([0.2f, 0, 11.2f, 0], [0, 0], k: 1));
    }

    [Fact]
    public void More_neighbours_than_references_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Line.Classify([0, 0], 6));
    }
}
