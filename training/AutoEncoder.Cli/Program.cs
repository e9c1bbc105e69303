// The tool's entry point is the app's: every command, option and message is the training app's own.
return AutoEncoder.Training.Cli.App.Run(args);
