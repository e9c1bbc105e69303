// TorchSharp's seed and thread count are process-wide; tests that set them must not interleave.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
