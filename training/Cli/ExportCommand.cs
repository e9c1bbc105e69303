using System.CommandLine;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder export</c>: write the ONNX models and manifest from a finished checkpoint.</summary>
internal static class ExportCommand
{
    static readonly Option<string> CheckpointPath = new("--checkpoint")
    {
        Description = "Checkpoint written by 'train'",
        DefaultValueFactory = _ => Path.Combine("models", Checkpoint.FileName),
    };
    static readonly Option<string> Out = new("--out") { Description = "Output folder", DefaultValueFactory = _ => "models" };
    static readonly Option<string> Data = new("--data")
    {
        Description = "MNIST (folder or .npz), for the parity check on the test images",
        DefaultValueFactory = _ => "data/mnist",
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("export", "Export encoder.onnx, decoder.onnx and autoencoder.onnx from a checkpoint")
        {
            CheckpointPath, Out, Data,
        };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            string checkpoint = result.GetValue(CheckpointPath)!;
            (CheckpointState state, var model, _) = Checkpoint.Load(checkpoint);
            using (model)
            {
                DataSet data = DataSource.Load(result.GetValue(Data)!, state.Config.DataOptions, state.Config.Seed);
                ArtifactWriter.Write(model, state, data, result.GetValue(Out)!, checkpoint);
            }
            Console.WriteLine($"wrote ONNX models to {result.GetValue(Out)}/");
            return CommandRunner.Success;
        }));
        return command;
    }
}
