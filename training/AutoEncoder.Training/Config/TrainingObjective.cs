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

    /// <summary>
    /// A variational autoencoder (Kingma &amp; Welling 2014): the encoder gives a Gaussian posterior (mean and
    /// log-variance), the decoder reconstructs a sample of it, and the loss is the negative ELBO: the
    /// reconstruction's negative log-likelihood summed over features plus β times the KL divergence from the
    /// standard normal prior.
    /// </summary>
    Vae,
}
