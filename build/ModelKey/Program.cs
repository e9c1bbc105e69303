using System.CommandLine;
using AutoEncoder.ModelKey;

// model-key: prints the training key of one committed model (or, with --list, what it hashes), for
// models/AutoEncoder.Models.csproj, which retrains a model only when this differs from its training.key.
var root = new Option<DirectoryInfo>("--root") { Description = "The repository (paths are listed relative to it)", Required = true };
var app = new Option<FileInfo>("--app") { Description = "The training app's main assembly", Required = true };
var assets = new Option<FileInfo>("--assets") { Description = "The training app's obj/project.assets.json", Required = true };
var toolchain = new Option<string>("--toolchain") { Description = "The SDK and runtime versions", Required = true };
var config = new Option<FileInfo>("--config") { Description = "The model's config.json", Required = true };
var data = new Option<DirectoryInfo>("--data") { Description = "The model's data folder", Required = true };
var files = new Option<FileInfo[]>("--file") { Description = "A build file that changes the output (repeatable)" };
var list = new Option<bool>("--list") { Description = "Print what is hashed instead of the key" };
var command = new RootCommand("Prints a committed model's training key") { root, app, assets, toolchain, config, data, files, list };
command.SetAction(parse =>
{
    var key = new TrainingKey(
        parse.GetValue(root)!.FullName, parse.GetValue(app)!.FullName, parse.GetValue(assets)!.FullName, parse.GetValue(toolchain)!,
        parse.GetValue(config)!.FullName, parse.GetValue(data)!.FullName,
        [.. (parse.GetValue(files) ?? []).Select(file => file.FullName)]);
    try
    {
        Console.WriteLine(parse.GetValue(list) ? string.Join("\n", key.Listing()) : key.Value());
        return 0;
    }
    catch (Exception e) when (e is IOException or InvalidDataException or BadImageFormatException or System.Text.Json.JsonException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
});
return command.Parse(args).Invoke();
