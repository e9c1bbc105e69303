using System.CommandLine;
using AutoEncoder.Inference;
using AutoEncoder.Training.Config;
using AutoEncoder.Training.Data;
using AutoEncoder.Training.Fitting;
using Spectre.Console;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder train</c>: fit the model, write a checkpoint, the ONNX models and manifest.json.</summary>
internal static class TrainCommand
{
    static readonly Option<string> Preset = new("--preset")
    {
        Description = "Starting values: seed (784-2-784 linear, 5 epochs, batch 32), deep (784-512-256-2 relu, 40 epochs, batch 128, lr 2e-3 cosine), vae (the deep layers as a variational autoencoder, 30 epochs, batch 128), anomaly (784-256-64-32 relu, 60 epochs, batch 128; use with --normal-class), umap (784-100-100-100-2 relu encoder, parametric UMAP, batches of 1,000 edges) conv (3×3 stride-2 convolutions of 32 and 64 channels, then 3136-96-512-256-2 relu, 40 epochs, batch 128, lr 2e-3 cosine) or cluster (the umap network to 10-D codes, 20 neighbours, min_dist 0: N2D's second stage, with --graph-encoder)",
        DefaultValueFactory = _ => "seed",
    };
    static readonly Option<int?> Epochs = new Option<int?>("--epochs") { Description = "Passes over the training set" }.AtLeast(1);
    static readonly Option<int?> BatchSize = new Option<int?>("--batch-size") { Description = "Images per Adam step" }.AtLeast(1);
    static readonly Option<double?> LearningRate = new Option<double?>("--learning-rate") { Description = "Adam step size" }.Positive();
    static readonly Option<int?> Latent = new Option<int?>("--latent") { Description = "Width of the code layer" }.AtLeast(1);
    static readonly Option<string?> Hidden = new("--hidden") { Description = "Encoder hidden widths, e.g. 512,256 (mirrored in the decoder); empty for none" };
    static readonly Option<string?> ConvChannels = new("--conv-channels") { Description = "Convolutions in front of the dense layers, e.g. 32,64: 3×3, stride 2 each, mirrored by transposed convolutions (image data only); empty for none" };
    static readonly Option<bool> BatchNormOption = new("--batch-norm") { Description = "Batch normalisation after every hidden layer and convolution, before its activation" };
    static readonly Option<double?> Dropout = new("--dropout") { Description = "Probability of zeroing a hidden activation while training, in [0, 1) (default 0)" };
    static readonly Option<Activation?> ActivationOption = new("--activation") { Description = "Between hidden layers: linear, relu, leakyrelu, tanh or sigmoid (default: the preset's; relu when --hidden adds layers to the linear seed preset)" };
    static readonly Option<TrainingPath?> PathOption = new("--training-path") { Description = "auto (fused where the network allows), fused, or autograd" };
    static readonly Option<LearningRateSchedule?> Schedule = new("--schedule") { Description = "Learning-rate schedule: constant, or cosine decay to zero over the run" };
    static readonly Option<long?> Seed = new("--seed") { Description = "Seeds initial weights and shuffling" };
    static readonly Option<int?> Threads = new Option<int?>("--threads") { Description = "Intra-op threads (results are reproducible for a fixed count)" }.AtLeast(1);
    static readonly Option<int?> Subset = new Option<int?>("--subset") { Description = "Train on the first N training images only (quick trials; recorded, and kept on --resume)" }.AtLeast(1);
    static readonly Option<int?> NormalClass = new Option<int?>("--normal-class")
    {
        Description = "Train on the rows of this label only (anomaly detection); 10% of them are held out to calibrate the threshold",
    }.AtLeast(0);
    static readonly Option<AnomalyScore?> Score = new("--score") { Description = "Anomaly score: mse or bce (the mean per-feature reconstruction error) or structural (images: the blurred error over the square root of the ink; the anomaly preset's)" };
    static readonly Option<string?> Threshold = new("--threshold") { Description = "percentile:P, contamination:C or max of the held-out normal rows' scores (default percentile:99)" };
    static readonly Option<string> Data = new("--data")
    {
        Description = "Folder of IDX files (MNIST layout, raw or .gz), Keras .npz, .npy, CSV/TSV, or a folder of PNG/JPEG images in class sub-folders",
        DefaultValueFactory = _ => "data/mnist",
    };
    static readonly Option<DataFormat?> Format = new("--format") { Description = "Read --data as idx, npz, npy, csv or images (default: by what the path is)" };
    static readonly Option<string?> Test = new("--test") { Description = "Test rows in the same format (.npy, CSV, image folder); default: the source's own split, else --validation-fraction of the training rows" };
    static readonly Option<string?> Labels = new("--labels") { Description = ".npy of one integer label per row of a .npy --data" };
    static readonly Option<string?> TestLabels = new("--test-labels") { Description = ".npy of labels for a .npy --test" };
    static readonly Option<double?> ValidationFraction = new Option<double?>("--validation-fraction") { Description = "Share of training rows held out for testing when the source has no test split, and for validation under --early-stopping (default 0.1)" }.Positive();
    static readonly Option<string?> LabelColumn = new("--label-column") { Description = "CSV column holding class labels (kept out of the features; used by plots and evaluation)" };
    static readonly Option<string?> IdColumn = new("--id-column") { Description = "CSV column naming each row (kept out of the features; `index` uses it as the rows' keys)" };
    static readonly Option<string?> Columns = new("--columns") { Description = "CSV feature columns, by name (or 0-based index without a header), comma-separated; default all but the label and id" };
    static readonly Option<HeaderMode?> Header = new("--header") { Description = "Whether the CSV's first row is a header: auto (if any cell is not a number), yes or no" };
    static readonly Option<int?> Channels = new("--channels") { Description = "Image folders: 1 (grayscale) or 3 (RGB)" };
    static readonly Option<string?> ImageSize = new("--image-size") { Description = "Image folders: resize every image to WxH (default: all images must have one size)" };
    static readonly Option<string?> Scaling = new("--scaling") { Description = "none, divide:D, minmax or standard, fitted on the training rows and exported in the graphs (default: none for images, standard for tables)" };
    static readonly Option<ReconstructionLoss?> Loss = new("--loss") { Description = "bce or mse (default: bce when the scaled training values lie in [0, 1], else mse)" };
    static readonly Option<TrainingObjective?> Objective = new("--objective") { Description = "reconstruction (an autoencoder), umap (parametric UMAP: encoder only), umapreconstruction (both) or vae (a variational autoencoder: the posterior's mean is the code)" };
    static readonly Option<double?> Beta = new Option<double?>("--beta") { Description = "--objective vae: weight of the KL term in the negative ELBO (default 1)" }.Positive();
    static readonly Option<string?> Noise = new("--noise") { Description = $"Denoising: corrupt each batch's inputs, fresh each time, while the target stays clean: {NoiseRule.Expected}" };
    static readonly Option<bool> FitTestRows = new("--fit-test-rows") { Description = "UMAP objectives: train on the test rows too (the graph spans both splits; no label is read), as the deep-clustering papers fit all 70,000 MNIST images; the test rows' figures are then not of unseen rows" };
    static readonly Option<double?> ActivityL1 = new("--activity-l1") { Description = "Sparse: add this times the mean over rows of the sum of |code| to the loss (Keras's activity_regularizer=l1 on the code layer; e.g. 1e-4)" };
    static readonly Option<double?> UmapWeight = new Option<double?>("--umap-weight") { Description = "Weight of the UMAP term against the reconstruction term (default 1)" }.Positive();
    static readonly Option<int?> Neighbors = new Option<int?>("--neighbors") { Description = "UMAP's n_neighbors, the row itself included (default 15)" }.AtLeast(2);
    static readonly Option<double?> MinDist = new("--min-dist") { Description = "UMAP's min_dist (default 0.1)" };
    static readonly Option<string?> GraphEncoder = new("--graph-encoder") { Description = "UMAP objectives: measure the neighbour graph between the codes this exported encoder (a file, or a models folder) gives the training rows, not between the rows (N2D's manifold of an autoencoder's embedding)" };
    static readonly Option<int?> NegativeSamples = new Option<int?>("--negative-samples") { Description = "Repelled pairs per attracted edge (default 5)" }.AtLeast(1);
    static readonly Option<string?> Config = new(ConfigFile.OptionName) { Description = "JSON file of these options by name without dashes ({\"preset\": \"deep\", \"hidden\": [512, 256]}); flags override it; paths are relative to the file" };
    static readonly Option<string> Out = new("--out") { Description = "Output folder", DefaultValueFactory = _ => "models" };
    static readonly Option<bool> Resume = new("--resume") { Description = "Continue from <out>/checkpoint.bin (--epochs may extend the run)" };
    static readonly Option<bool> Force = new("--force") { Description = "Replace a model of other settings or data in --out (refused without it)" };
    static readonly Option<int?> CheckpointEvery = new Option<int?>("--checkpoint-every") { Description = "Also save <out>/checkpoint.bin after every N epochs (a killed run then resumes from there)" }.AtLeast(1);
    static readonly Option<int?> EarlyStopping = new Option<int?>("--early-stopping") { Description = "End the run after this many epochs without a lower validation loss and keep its best epoch's weights; the validation rows are --validation-fraction of the training rows, held out" }.AtLeast(1);
    static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "No progress: only warnings, errors and the final line" };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        Preset.AcceptOnlyFromAmong([.. TrainingConfig.PresetNames]);
        var command = new Command("train", "Train an autoencoder on MNIST or your own data and export it to ONNX")
        {
            Config, Preset, Epochs, BatchSize, LearningRate, Schedule, Latent, Hidden, ConvChannels, BatchNormOption, Dropout, ActivationOption, Seed, Threads, Subset, PathOption,
            NormalClass, Score, Threshold, Data, Format, Test, Labels, TestLabels, ValidationFraction, LabelColumn, IdColumn, Columns, Header,
            Channels, ImageSize, Scaling, Loss, Objective, Beta, Noise, ActivityL1, UmapWeight, Neighbors, MinDist, GraphEncoder, NegativeSamples, FitTestRows, Out, Resume, Force, CheckpointEvery, EarlyStopping, Quiet,
        };
        command.SetAction(result => CommandRunner.RunWithTorch(() => Execute(result)));
        return command;
    }

    static TrainingConfig Configure(ParseResult result)
    {
        TrainingConfig preset = TrainingConfig.FromPreset(result.GetValue(Preset)!);
        ModelConfig model = preset.Model with
        {
            Latent = result.GetValue(Latent) ?? preset.Model.Latent,
            Hidden = result.GetValue(Hidden) is { } hidden ? ParseWidths(hidden, "--hidden") : preset.Model.Hidden,
            Conv = result.GetValue(ConvChannels) is { } channels
                ? ParseWidths(channels, "--conv-channels") is { Length: > 0 } widths ? new ConvOptions(widths) : null
                : preset.Model.Conv,
            // Hidden layers given to a linear preset (the seed's) would make a "deep" model that is still linear:
            // they bring ReLU unless --activation says otherwise.
            Activation = result.GetValue(ActivationOption)
                ?? (preset.Model.Activation == Activation.Linear && result.GetValue(Hidden) is { } layers && ParseWidths(layers, "--hidden").Length > 0
                    ? Activation.Relu : preset.Model.Activation),
            BatchNorm = result.GetValue(BatchNormOption) || preset.Model.BatchNorm,
            Dropout = result.GetValue(Dropout) ?? preset.Model.Dropout,
            // The variational objective needs the posterior's second head, whatever the preset's layers.
            Variational = (result.GetValue(Objective) ?? preset.Objective) == TrainingObjective.Vae,
        };
        return new TrainingConfig(
            preset.Preset,
            model,
            result.GetValue(Epochs) ?? preset.Epochs,
            result.GetValue(BatchSize) ?? preset.BatchSize,
            result.GetValue(LearningRate) ?? preset.LearningRate,
            result.GetValue(Seed) ?? preset.Seed,
            result.GetValue(Threads) ?? preset.Threads,
            result.GetValue(Schedule) ?? preset.Schedule,
            result.GetValue(Subset),
            result.GetValue(PathOption) ?? preset.Path,
            result.GetValue(NormalClass) ?? preset.NormalClass,
            result.GetValue(Score) ?? preset.Score,
            result.GetValue(Threshold) ?? preset.Threshold,
            DataOptionsOf(result),
            result.GetValue(Scaling) ?? preset.Scaling,
            result.GetValue(Loss) ?? preset.Loss,
            result.GetValue(Objective) ?? preset.Objective,
            new UmapOptions(
                result.GetValue(Neighbors) ?? preset.UmapSettings.Neighbors,
                result.GetValue(MinDist) ?? preset.UmapSettings.MinDist,
                result.GetValue(NegativeSamples) ?? preset.UmapSettings.NegativeSamples,
                result.GetValue(UmapWeight) ?? preset.UmapSettings.Weight,
                result.GetValue(GraphEncoder) ?? preset.UmapSettings.GraphEncoder,
                FitTestRows: result.GetValue(FitTestRows) || preset.UmapSettings.FitTestRows),
            result.GetValue(EarlyStopping) ?? preset.Patience,
            result.GetValue(Beta) ?? preset.Beta,
            result.GetValue(Noise) ?? preset.Noise,
            result.GetValue(ActivityL1) ?? preset.ActivityL1).Validate();
    }

    static DataOptions DataOptionsOf(ParseResult result)
    {
        var defaults = new DataOptions();
        return new DataOptions(
            result.GetValue(Format) ?? defaults.Format,
            result.GetValue(Test),
            result.GetValue(Labels),
            result.GetValue(TestLabels),
            result.GetValue(ValidationFraction) ?? defaults.ValidationFraction,
            result.GetValue(LabelColumn),
            result.GetValue(Columns)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            result.GetValue(Header) ?? defaults.Header,
            result.GetValue(Channels) ?? defaults.Channels,
            result.GetValue(ImageSize),
            result.GetValue(IdColumn));
    }

    /// <summary>Parses "512,256" into widths; an empty string means no layers.</summary>
    internal static int[] ParseWidths(string text, string flag) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => int.TryParse(part, out int width) && width > 0
                ? width
                : throw new ArgumentException($"{flag} expects positive integers separated by commas, found '{part}'"))
            .ToArray();

    static int Execute(ParseResult result)
    {
        bool resume = result.GetValue(Resume);
        var request = new TrainingRun.Request(result.GetValue(Data)!, result.GetValue(Out)!, resume ? null : Configure(result),
            result.GetValue(Epochs), result.GetValue(Threads), result.GetValue(Subset), result.GetValue(Force), result.GetValue(CheckpointEvery));
        bool quiet = result.GetValue(Quiet);
        TrainingRun.Outcome outcome = TrainingRun.Execute(request,
            run => quiet ? run(new SilentProgress())
                : AnsiConsole.Profile.Capabilities.Interactive ? LiveProgress.Show(run) : run(new LogProgress(Console.Error)),
            quiet ? TextWriter.Null : Console.Error);
        if (outcome.Manifest is not { } manifest) return CommandRunner.Interrupted;

        TrainingConfig config = outcome.Config;
        string loss = config.IsUmap ? "UMAP loss (sampled edges)" : config.Objective == TrainingObjective.Vae ? "negative ELBO (nats)" : config.LossKind.ToString().ToUpperInvariant();
        string measured = config.NormalClass is not null ? $"held-out normal {loss}" : config.Patience is not null ? $"validation {loss}" : $"test {loss}";
        string kept = manifest.BestEpoch is int best
            ? $"{(outcome.State.StoppedEarly ? $"stopped early after epoch {outcome.State.CompletedEpochs}" : "all epochs run")}, kept epoch {best}: " : "";
        Console.WriteLine($"trained in {manifest.TrainSeconds:F1} s: {kept}train loss {manifest.FinalTrainLoss:F4}, {measured} {manifest.TestLoss:F4}; wrote {request.OutDir}/");
        return CommandRunner.Success;
    }
}
