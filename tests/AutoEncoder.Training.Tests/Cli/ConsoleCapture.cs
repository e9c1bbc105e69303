namespace AutoEncoder.Training.Tests.Cli;

/// <summary>Runs the command line in-process and captures what it prints.</summary>
internal static class ConsoleCapture
{
    /// <summary>Runs <c>autoencoder</c> with <paramref name="args"/>; returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        TextWriter oldOut = Console.Out, oldError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = AutoEncoder.Training.Cli.App.Run(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
