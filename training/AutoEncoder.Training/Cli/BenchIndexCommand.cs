using System.CommandLine;
using AutoEncoder.Inference;
using AutoEncoder.Training.Bench;

namespace AutoEncoder.Training.Cli;

/// <summary><c>autoencoder bench-index</c>: exact and partitioned search of <see cref="EmbeddingIndex"/> beside faiss, in one run.</summary>
internal static class BenchIndexCommand
{
    static readonly Option<int?> Count = new Option<int?>("--count") { Description = "Codes stored (default 1,000,000)" }.AtLeast(1);
    static readonly Option<int?> Queries = new Option<int?>("--queries") { Description = "Queries (default 1,000)" }.AtLeast(1);
    static readonly Option<int?> Dimensions = new Option<int?>("--dimensions") { Description = "Values per code (default 16)" }.AtLeast(1);
    static readonly Option<int?> K = new Option<int?>("--neighbors", "-k") { Description = "Neighbours per query (default 10)" }.AtLeast(1);
    static readonly Option<int?> Partitions = new Option<int?>("--partitions") { Description = "Partitions of the approximate index (default: EmbeddingIndex.SuggestedPartitions, 4·√count)" }.AtLeast(1);
    static readonly Option<string> Probes = new("--probes") { Description = "Probes to time, comma-separated", DefaultValueFactory = _ => "8,16,32,64" };
    static readonly Option<string> Reference = new("--reference")
    {
        Description = "The faiss reference script (skipped when faiss is not installed)",
        DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "Bench", "faiss_reference.py"),
    };

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("bench-index", "Time exact and partitioned search on a seeded Gaussian mixture beside faiss's IndexFlatL2 and HNSW")
        {
            Count, Queries, Dimensions, K, Partitions, Probes, Reference,
        };
        command.SetAction(result => CommandRunner.Run(() => Execute(result)));
        return command;
    }

    static int Execute(ParseResult result)
    {
        int count = result.GetValue(Count) ?? 1_000_000, k = result.GetValue(K) ?? 10;
        int partitions = result.GetValue(Partitions) ?? EmbeddingIndex.SuggestedPartitions(count);
        if (partitions > count) throw new ArgumentException($"--partitions: expected 1 to {count} (the codes), found {partitions}");
        int[] probes = ParseProbes(result.GetValue(Probes)!, partitions);
        if (k > Math.Min(count, EmbeddingIndex.MaxK)) throw new ArgumentException($"--neighbors: expected 1 to {Math.Min(count, EmbeddingIndex.MaxK)}, found {k}");

        Console.Error.WriteLine($"drawing {count:N0} codes and their queries ...");
        IndexBenchmark.Data data = IndexBenchmark.Generate(count, result.GetValue(Queries) ?? 1_000, result.GetValue(Dimensions) ?? 16, seed: 0);
        Console.Error.WriteLine("exact index ...");
        (EmbeddingIndex index, double buildSeconds) = IndexBenchmark.Build(data);
        Neighbor[][] truth = index.SearchBatch(data.Queries, k);
        var runs = new List<IndexBenchmark.Search> { IndexBenchmark.Measure("exact", index, data, k, buildSeconds, truth) };

        Console.Error.WriteLine($"partitioning into {partitions:N0} ...");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        index.Partition(partitions, probes[0], seed: 0);
        double partitionSeconds = buildSeconds + clock.Elapsed.TotalSeconds;
        foreach (int p in probes)
        {
            index.Probes = p;
            Console.Error.WriteLine($"partitioned, {p} probes ...");
            runs.Add(IndexBenchmark.Measure($"{partitions:N0} partitions, {p} probes", index, data, k, partitionSeconds, truth));
        }

        Console.Error.WriteLine("faiss reference ...");
        (FaissResult? faiss, string? missing) = RunFaiss(data, k, result.GetValue(Reference)!);

        // Plain aligned lines: a table as wide as the names would wrap on an 80-column terminal.
        Console.WriteLine($"{data.Count:N0} codes of {data.Dimensions} values, {data.QueryCount:N0} queries, k = {k}, {Environment.ProcessorCount} cores" +
                          (faiss is null ? "" : $"; faiss {faiss.Faiss} on {faiss.Threads} threads, HNSW with M 32, efConstruction 100, efSearch 64"));
        Console.WriteLine($"{"search",-34} {"build s",8} {"queries/s",10} {"1 query µs",11} {"recall@" + k,9} {"batched/faiss",14} {"1 query/faiss",14}");
        void Line(string name, Searched run, Searched? reference) => Console.WriteLine(
            $"{name,-34} {run.Build,8:F1} {run.Batched,10:N0} {run.Single * 1e6,11:F1} {run.Recall,9:F4} " +
            $"{(reference is null ? "–" : $"{run.Batched / reference.Batched:F2}×"),14} {(reference is null ? "–" : $"{run.Single / reference.Single:F2}×"),14}");
        Line("exact", Searched.Of(runs[0]), faiss?.Flat);
        foreach (IndexBenchmark.Search run in runs.Skip(1)) Line(run.Name, Searched.Of(run), faiss?.Hnsw);
        if (faiss is not null)
        {
            Line("faiss IndexFlatL2", faiss.Flat, null);
            Line("faiss HNSW", faiss.Hnsw, null);
        }
        if (missing is not null) Console.WriteLine($"faiss reference skipped: {missing}");
        return CommandRunner.Success;
    }

    // The reference reads the same codes and queries from a temporary file.
    static (FaissResult? Result, string? Missing) RunFaiss(IndexBenchmark.Data data, int k, string script)
    {
        string file = Path.GetTempFileName();
        try
        {
            IndexBenchmark.Write(data, file);
            return PythonReference.Run<FaissResult>(script, [file, $"{data.Count}", $"{data.QueryCount}", $"{data.Dimensions}", $"{k}"],
                "`make bench-tools` installs python3-faiss");
        }
        finally
        {
            File.Delete(file);
        }
    }

    static int[] ParseProbes(string text, int partitions)
    {
        var probes = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries))
            probes.Add(int.TryParse(part, out int p) && p >= 1 && p <= partitions
                ? p
                : throw new ArgumentException($"--probes: expected comma-separated numbers from 1 to {partitions} (the partitions), found '{part}'"));
        return [.. probes];
    }

    private sealed record Searched(double Build, double Batched, double Single, double Recall)
    {
        public static Searched Of(IndexBenchmark.Search run) => new(run.BuildSeconds, run.BatchedQueriesPerSecond, run.SingleQuerySeconds, run.Recall);
    }

    private sealed record FaissResult(string Faiss, int Threads, Searched Flat, Searched Hnsw);
}
