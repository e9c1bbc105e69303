using AutoEncoder.Onnx.Schema;
using Google.Protobuf.Collections;

namespace AutoEncoder.Inference.Internal;

/// <summary>
/// Cuts a graph down to what one of its outputs needs. ONNX Runtime runs every node of a session's graph whatever
/// the caller fetches: fetching only <c>embedding</c> from models/cluster's graph cost 11.9 ms for 5,000 rows against
/// 5.8 ms for its encoder.onnx alone (one thread, 2026-12-06), the Gaussian head computed and thrown away.
/// </summary>
internal static class GraphPruning
{
    /// <summary>
    /// A copy of <paramref name="model"/> whose graph computes <paramref name="output"/> only: the nodes it depends
    /// on, the initializers they read, that one output; the inputs the caller feeds, metadata, opsets and functions
    /// as they were. Null for a graph of one output or without that output, and for one with a subgraph (whose nodes
    /// may read any name of the outer graph).
    /// </summary>
    public static ModelProto? ForOutput(ModelProto model, string output)
    {
        GraphProto graph = model.Graph;
        if (graph.Output.Count <= 1 || !graph.Output.Any(value => value.Name == output)
            || graph.Node.Any(node => node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))) return null;

        // Backwards from the output; repeated until nothing changes, so that a graph not sorted as the standard
        // asks loses no node it needs.
        var needed = new HashSet<string>(StringComparer.Ordinal) { output };
        var kept = new bool[graph.Node.Count];
        for (bool grew = true; grew;)
        {
            grew = false;
            for (int i = graph.Node.Count - 1; i >= 0; i--)
            {
                if (kept[i] || !graph.Node[i].Output.Any(needed.Contains)) continue;
                kept[i] = grew = true;
                foreach (string input in graph.Node[i].Input)
                    if (input.Length > 0) needed.Add(input);
            }
        }

        ModelProto copy = model.Clone();
        GraphProto pruned = copy.Graph;
        // The caller feeds every input that is not an initializer, needed or not.
        var initializers = graph.Initializer.Select(tensor => tensor.Name).ToHashSet(StringComparer.Ordinal);
        Keep(pruned.Node, (_, i) => kept[i]);
        Keep(pruned.Input, (value, _) => needed.Contains(value.Name) || !initializers.Contains(value.Name));
        Keep(pruned.Output, (value, _) => value.Name == output);
        Keep(pruned.Initializer, (tensor, _) => needed.Contains(tensor.Name));
        Keep(pruned.SparseInitializer, (sparse, _) => sparse.Values is not null && needed.Contains(sparse.Values.Name));
        Keep(pruned.ValueInfo, (value, _) => needed.Contains(value.Name));
        return copy;
    }

    private static void Keep<T>(RepeatedField<T> items, Func<T, int, bool> keep)
    {
        T[] kept = [.. items.Where(keep)];
        items.Clear();
        items.Add(kept);
    }
}
