namespace AutoEncoder.Training.Data;

/// <summary>The shape of one image row: channels × height × width, stored planar (C, H, W) in the row.</summary>
internal sealed record ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Values per row.</summary>
    public int Size => Channels * Height * Width;

    /// <summary><c>C×H×W</c>.</summary>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
