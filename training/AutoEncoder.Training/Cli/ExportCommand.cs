using System.CommandLine;
using AutoEncoder.Training.Artifacts;
using AutoEncoder.Training.Data;

namespace AutoEncoder.Training.Cli;

/// <summary>
/// <c>autoencoder export</c>: write the ONNX models and manifest from a finished checkpoint, or with
/// <c>--triton</c> lay the exported models out as a Triton Inference Server model repository.
/// </summary>
internal static class ExportCommand
{
    static readonly Option<string> CheckpointPath = new("--checkpoint")
    {
        Description = "Checkpoint written by 'train'",
        DefaultValueFactory = _ => Path.Combine("models", Checkpoint.FileName),
    };
    static readonly Option<string> Out = new("--out") { Description = "Output folder", DefaultValueFactory = _ => "models" };
    static readonly Option<string?> Data = new("--data")
    {
        Description = "The data the checkpoint was trained on, for the parity check on its test rows (default: where the manifest in --out says they were, else data/mnist)",
    };
    static readonly Option<string?> Triton = new("--triton") { Description = "Instead: copy the ONNX models in --out into this Triton model repository, with a config.pbtxt each" };
    static readonly Option<string> Prefix = new("--prefix") { Description = "With --triton: prefix of the model names (e.g. mnist_ gives mnist_encoder)", DefaultValueFactory = _ => "" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("export", "Export encoder.onnx, decoder.onnx and autoencoder.onnx from a checkpoint")
        {
            CheckpointPath, Out, Data, Triton, Prefix,
        };
        command.SetAction(result => CommandRunner.RunWithTorch(() =>
        {
            if (result.GetValue(Triton) is { } repository)
            {
                foreach (string name in TritonRepository.Write(result.GetValue(Out)!, repository, result.GetValue(Prefix)!))
                    Console.WriteLine($"wrote {Path.Combine(repository, name)}/config.pbtxt and 1/model.onnx");
                return CommandRunner.Success;
            }
            string checkpoint = result.GetValue(CheckpointPath)!;
            (CheckpointState state, var model, _) = Checkpoint.Load(checkpoint);
            using (model)
            {
                string dataPath = TrainedData.PathFor(result.GetValue(Data), result.GetValue(Out)!);
                DataSet data = DataSource.Load(dataPath, state.Config.DataOptions, state.Config.Seed);
                ArtifactWriter.Write(model, state, data, dataPath, result.GetValue(Out)!, checkpoint, Console.Error);
            }
            Console.WriteLine($"wrote ONNX models to {result.GetValue(Out)}/");
            return CommandRunner.Success;
        }));
        return command;
    }
}
