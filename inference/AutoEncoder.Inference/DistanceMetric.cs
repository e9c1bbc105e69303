namespace AutoEncoder.Inference;

/// <summary>How an <see cref="EmbeddingIndex"/> measures the distance between two codes.</summary>
public enum DistanceMetric
{
    /// <summary>The straight-line distance √Σ(aᵢ − bᵢ)².</summary>
    Euclidean,

    /// <summary>1 − cos(a, b), from 0 (same direction) to 2 (opposite); codes of length zero are refused.</summary>
    Cosine,
}
