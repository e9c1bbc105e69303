using System.CommandLine;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Evaluation;
using AutoEncoder.Training.Plots;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder plot</c>: the figures every autoencoder tutorial shows, from the exported models.</summary>
internal static class PlotCommand
{
    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx, decoder.onnx and manifest.json", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data") { Description = TrainedData.Description };
    static readonly Option<string> Out = new("--out") { Description = "Output folder for the PNGs", DefaultValueFactory = _ => "plots" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("plot", "Write latent.png and loss.png, for images reconstructions.png and manifold.png, for one-class models scores.png and roc.png") { Models, Data, Out };
        command.SetAction(result => CommandRunner.RunWithTorch(() =>
        {
            string models = result.GetValue(Models)!;
            foreach (string path in Plotter.Write(models, ModelData.Load(models, TrainedData.PathFor(result.GetValue(Data), models)).Data, result.GetValue(Out)!))
                Console.WriteLine($"wrote {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
