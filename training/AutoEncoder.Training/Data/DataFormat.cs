namespace AutoEncoder.Training.Data;

/// <summary>How a <c>--data</c> path is read; <see cref="Auto"/> decides by what the path is.</summary>
internal enum DataFormat
{
    /// <summary>A folder holding <c>train-images-idx3-ubyte</c> is IDX, another folder is images; a file goes by its extension.</summary>
    Auto,

    /// <summary>A folder of the four MNIST-layout IDX files, raw or .gz, any image size.</summary>
    Idx,

    /// <summary>A Keras-style .npz holding x_train, y_train, x_test, y_test.</summary>
    Npz,

    /// <summary>One .npy array of rows (N×F or N×H×W).</summary>
    Npy,

    /// <summary>Comma-, tab- or semicolon-separated numeric columns.</summary>
    Csv,

    /// <summary>A folder of PNG or JPEG images, one sub-folder per class.</summary>
    Images,
}
