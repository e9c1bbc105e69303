using System.CommandLine;

namespace AutoEncoder.Training.Cli;

/// <summary>The <c>autoencoder</c> command line.</summary>
internal static class App
{
    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        Command train = TrainCommand.Create();
        var root = new RootCommand("Train autoencoders with TorchSharp on MNIST or your own data and export them to ONNX")
        {
            train,
            ExportCommand.Create(),
            EvaluateCommand.Create(),
            ScoreCommand.Create(),
            PlotCommand.Create(),
            BenchCommand.Create(),
            BenchAnomalyCommand.Create(),
            BenchDataCommand.Create(),
        };
        // A --config file becomes the flags it stands for before parsing, so that it is checked like them.
        string[]? expanded = null;
        int status = CommandRunner.Run(() =>
        {
            expanded = ConfigFile.Expand(train, args);
            return CommandRunner.Success;
        });
        return expanded is null ? status : root.Parse(expanded).Invoke();
    }
}
