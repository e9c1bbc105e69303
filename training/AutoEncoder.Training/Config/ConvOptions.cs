namespace AutoEncoder.Training.Config;

/// <summary>
/// Convolutional layers in front of the dense ones: the encoder reshapes each row to its image, runs one
/// 3×3 convolution of stride 2 (padding 1, so each halves the height and width) per entry of
/// <paramref name="Channels"/>, and flattens into the dense layers; the decoder mirrors it with transposed
/// convolutions back to the image and flattens to a row again, so that rows in and rows out stay the
/// contract of every model.
/// </summary>
/// <param name="Channels">Output channels of each convolution, outermost first (e.g. 32, 64).</param>
/// <param name="Image">Channels, height and width of the images, settled from the data; null until then.</param>
internal sealed record ConvOptions(IReadOnlyList<int> Channels, IReadOnlyList<int>? Image = null)
{
    /// <summary>Kernel size of every convolution.</summary>
    public const int Kernel = 3;

    /// <summary>Stride of every convolution: each halves the image.</summary>
    public const int Stride = 2;

    /// <summary>Checks the channels are positive and the image, once known, survives the halvings and their mirror.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A channel count is below 1, or the image is not C, H, W of positive sizes.</exception>
    /// <exception cref="ArgumentException">The transposed convolutions would not give back the image's size.</exception>
    public ConvOptions Validate()
    {
        if (Channels.Count == 0 || Channels.Any(c => c < 1))
            throw new ArgumentOutOfRangeException("conv-channels", $"expected one or more positive channel counts, found [{string.Join(", ", Channels)}]");
        if (Image is null) return this;
        if (Image.Count != 3 || Image.Any(d => d < 1))
            throw new ArgumentOutOfRangeException("conv-channels", $"expected an image of channels, height and width, found [{string.Join(", ", Image)}]");
        foreach (int side in new[] { Image[1], Image[2] })
            if (Mirrored(side) != side)
                throw new ArgumentException($"--conv-channels: {Channels.Count} stride-2 convolutions take a side of {side} to {Reduced(side)}, and the decoder's mirror back to {Mirrored(side)}, not {side}; use fewer layers or an image side divisible by {1 << Channels.Count}");
        return this;
    }

    /// <summary>The height or width after the encoder's convolutions.</summary>
    public int Reduced(int side)
    {
        for (int i = 0; i < Channels.Count; i++) side = (side + 2 - Kernel) / Stride + 1;
        return side;
    }

    // What the transposed convolutions (padding 1, output padding 1) make of the reduced side.
    int Mirrored(int side)
    {
        int reduced = Reduced(side);
        for (int i = 0; i < Channels.Count; i++) reduced = (reduced - 1) * Stride - 2 + Kernel + 1;
        return reduced;
    }

    /// <summary>Compares by value (a record compares lists by reference).</summary>
    public bool Equals(ConvOptions? other) =>
        other is not null && Channels.SequenceEqual(other.Channels) &&
        (Image is null ? other.Image is null : other.Image is not null && Image.SequenceEqual(other.Image));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Channels.Count, Image?.Count);

    /// <summary>E.g. <c>conv 32-64</c>.</summary>
    public override string ToString() => $"conv {string.Join('-', Channels)}";
}
