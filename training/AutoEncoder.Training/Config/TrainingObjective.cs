namespace AutoEncoder.Training.Config;

/// <summary>What the encoder is trained for.</summary>
internal enum TrainingObjective
{
    /// <summary>Reproduce the input through the decoder (an autoencoder).</summary>
    Reconstruction,

    /// <summary>UMAP's cross-entropy between the data's fuzzy neighbour graph and the codes' (parametric UMAP); no decoder.</summary>
    Umap,

    /// <summary>Both: UMAP's loss on the codes, weighted, plus the reconstruction loss of the decoder.</summary>
    UmapReconstruction,
}
