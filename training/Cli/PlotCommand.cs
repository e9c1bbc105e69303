using System.CommandLine;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Plots;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder plot</c>: the figures every autoencoder tutorial shows, from the exported models.</summary>
internal static class PlotCommand
{
    static readonly Option<string> Models = new("--models") { Description = "Folder holding encoder.onnx, decoder.onnx and manifest.json", DefaultValueFactory = _ => "models" };
    static readonly Option<string> Data = new("--data") { Description = "MNIST (folder or .npz)", DefaultValueFactory = _ => "data/mnist" };
    static readonly Option<string> Out = new("--out") { Description = "Output folder for the PNGs", DefaultValueFactory = _ => "plots" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("plot", "Write latent.png, reconstructions.png, manifold.png and loss.png") { Models, Data, Out };
        command.SetAction(result => CommandRunner.Run(() =>
        {
            MnistDataSet data = MnistLoader.Load(result.GetValue(Data)!);
            foreach (string path in Plotter.Write(result.GetValue(Models)!, data.Test, result.GetValue(Out)!))
                Console.WriteLine($"wrote {path}");
            return CommandRunner.Success;
        }));
        return command;
    }
}
