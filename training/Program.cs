using System.CommandLine;
using AutoEncoder.Training.Cli;

var root = new RootCommand("Train an MNIST autoencoder with TorchSharp and export it to ONNX")
{
    TrainCommand.Create(),
    ExportCommand.Create(),
};
return root.Parse(args).Invoke();
