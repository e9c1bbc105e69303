// The fuzz and batch tests saturate both cores; running classes side by side would only slow each down.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
