return AutoEncoder.Training.Cli.App.Run(args);
