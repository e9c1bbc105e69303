using System.CommandLine;

namespace AutoEncoder.Training.Cli;

/// <summary>The <c>autoencoder</c> command line.</summary>
internal static class App
{
    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("Train an MNIST autoencoder with TorchSharp and export it to ONNX")
        {
            TrainCommand.Create(),
            ExportCommand.Create(),
            EvaluateCommand.Create(),
            ScoreCommand.Create(),
            PlotCommand.Create(),
            BenchCommand.Create(),
            BenchAnomalyCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }
}
