using System.CommandLine;
using System.CommandLine.Parsing;

namespace AutoEncoder.Training.Cli;

/// <summary>The <c>autoencoder</c> command line.</summary>
internal static class App
{
    /// <summary>Parses <paramref name="args"/>, runs the chosen command and returns its exit code.</summary>
    public static int Run(string[] args)
    {
        RootCommand root = Commands();
        Command train = root.Subcommands.Single(command => command.Name == "train");
        // A --config file becomes the flags it stands for before parsing, so that it is checked like them.
        string[]? expanded = null;
        int status = CommandRunner.Run(() =>
        {
            expanded = ConfigFile.Expand(train, args);
            return CommandRunner.Success;
        });
        if (expanded is null) return status;
        // No response files: System.CommandLine would read a value such as `--label-column @label`, or a
        // config value "@file", as a file of further flags.
        ParseResult parsed = root.Parse(expanded, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count == 0) return parsed.Invoke();
        // One line per mistake, not the whole help: `--help` shows that on request.
        foreach (ParseError error in parsed.Errors)
            Console.Error.WriteLine($"error: {ParseErrors.Describe(error.Message)}");
        return CommandRunner.Failure;
    }

    /// <summary>Every command of the app, under its root.</summary>
    public static RootCommand Commands() => new("Train autoencoders with TorchSharp on MNIST or your own data and export them to ONNX")
    {
        TrainCommand.Create(),
        ExportCommand.Create(),
        EvaluateCommand.Create(),
        ScoreCommand.Create(),
        IndexCommand.Create(),
        ClusterCommand.Create(),
        SampleCommand.Create(),
        SearchCommand.Create(),
        PlotCommand.Create(),
        BenchCommand.Create(),
        BenchAnomalyCommand.Create(),
        BenchDataCommand.Create(),
        BenchIndexCommand.Create(),
    };
}
