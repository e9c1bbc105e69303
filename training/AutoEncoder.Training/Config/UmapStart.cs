namespace AutoEncoder.Training.Config;

/// <summary>Where a UMAP objective's codes start (umap-learn's <c>init</c>).</summary>
internal enum UmapStart
{
    /// <summary>Wherever the encoder's random initial weights put them.</summary>
    Random,

    /// <summary>
    /// The fuzzy graph's spectral layout (as umap-learn's default start), to which the encoder is first fitted by
    /// mean squared error before the UMAP epochs.
    /// </summary>
    Spectral,
}
