namespace AutoEncoder.Inference;

/// <summary>
/// The MNIST models embedded in this package, for <c>LoadDefault</c>. Each takes 28×28 digits as MNIST draws them
/// (white ink on black, centred by mass; <c>AutoEncoder.Inference.Images</c> prepares any image so).
/// </summary>
public enum PretrainedModel
{
    /// <summary>
    /// The tutorial's model, 784 → 2 → 784 and linear: small and fast, but its codes separate digits worse
    /// than a 2-D PCA (5-NN accuracy 0.31). Encoder, decoder and full model.
    /// </summary>
    Seed,

    /// <summary>
    /// 784-512-256-2 with ReLU: the best reconstructions and a 2-D map to draw or decode (5-NN accuracy 0.84).
    /// Encoder, decoder and full model; use it to decode codes or score anomalies by reconstruction.
    /// </summary>
    Deep,

    /// <summary>
    /// A parametric-UMAP encoder 784-100-100-100-2: codes whose neighbours are the same digit (5-NN accuracy 0.95);
    /// use it to find similar images, cluster or draw a map. Encoder only: no decoder or full model.
    /// </summary>
    Umap,

    /// <summary>
    /// A variational autoencoder with the deep model's layers and a 2-D latent space (5-NN accuracy 0.82): its
    /// decoder generates new digits from codes drawn from N(0, I) (<see cref="Decoder.Sample(int, int)"/>); its
    /// encoder gives each image's posterior mean. Encoder and decoder: no full model.
    /// </summary>
    Vae,
}
