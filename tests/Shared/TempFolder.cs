namespace AutoEncoder.Tests.Support;

/// <summary>A fresh folder deleted when the test ends.</summary>
internal sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The folder's full path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "autoencoder-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of the files the folder holds, sorted.</summary>
    public string[] Files() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).Order().ToArray()!;

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
