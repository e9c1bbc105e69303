namespace AutoEncoder.Training.Config;

/// <summary>Settings of the UMAP objective (Sainburg, McInnes &amp; Gentner 2021; McInnes et al. 2018).</summary>
/// <param name="Neighbors">UMAP's n_neighbors: the point itself and its nearest neighbours that define its fuzzy neighbourhood.</param>
/// <param name="MinDist">How tightly codes may pack: the distance below which the fitted similarity curve is ~1.</param>
/// <param name="NegativeSamples">Repelled pairs drawn per attracted edge.</param>
/// <param name="Weight">Weight of the UMAP term against the reconstruction term (umap+reconstruction only).</param>
/// <param name="GraphEncoder">An exported encoder whose codes of the training rows the neighbour graph is measured
/// between, instead of the rows themselves (N2D, McConville et al. 2020: the manifold of an autoencoder's
/// embedding); null for the rows.</param>
/// <param name="GraphEncoderSha256">That encoder's SHA-256, recorded when the run starts and checked when it resumes.</param>
/// <param name="FitTestRows">Train on the test rows as well as the training rows (the graph spans both; no label is
/// read): the protocol of the deep-clustering papers, which fit all 70,000 MNIST images. Figures of the test rows then
/// are not figures of unseen rows.</param>
internal sealed record UmapOptions(int Neighbors = 15, double MinDist = 0.1, int NegativeSamples = 5, double Weight = 1,
    string? GraphEncoder = null, string? GraphEncoderSha256 = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)] bool FitTestRows = false)
{
    /// <summary>The encoder file <paramref name="path"/> names: itself, or the encoder.onnx in a models folder.</summary>
    public static string EncoderFile(string path) => Directory.Exists(path) ? Path.Combine(path, AutoEncoder.ModelFormat.RoleNames.FileName(AutoEncoder.ModelFormat.RoleNames.Encoder)) : path;

    /// <summary>Checks every setting is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public UmapOptions Validate()
    {
        if (Neighbors is < 2 or > 200) throw new ArgumentOutOfRangeException("neighbors", Neighbors, "expected 2–200");
        if (!(MinDist >= 0 && MinDist < 3)) throw new ArgumentOutOfRangeException("min-dist", MinDist, "expected 0 ≤ min-dist < 3 (the spread is 1)");
        if (NegativeSamples is < 1 or > 100) throw new ArgumentOutOfRangeException("negative-samples", NegativeSamples, "expected 1–100");
        if (!(Weight > 0 && double.IsFinite(Weight))) throw new ArgumentOutOfRangeException("umap-weight", Weight, "expected a finite value > 0");
        return this;
    }
}
