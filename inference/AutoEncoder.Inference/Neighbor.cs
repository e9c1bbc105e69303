namespace AutoEncoder.Inference;

/// <summary>One result of an <see cref="EmbeddingIndex"/> search: a stored item's id and its distance from the query.</summary>
/// <param name="Id">The id the item was added with; for an item added with a string key, its position (<see cref="EmbeddingIndex.KeyOf"/> gives the key).</param>
/// <param name="Distance">Its distance from the query under the index's <see cref="DistanceMetric"/>.</param>
public readonly record struct Neighbor(long Id, float Distance);
