using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

// A shorter job than BenchmarkDotNet's default keeps the suite to a few minutes on two cores; every
// benchmark of a class still runs in the same process, side by side with its baselines.
IConfig config = DefaultConfig.Instance.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12).AsDefault());
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
