namespace AutoEncoder.Inference.Internal;

/// <summary>
/// The k nearest items seen so far, kept sorted by distance and then id in the caller's span: inserting
/// costs O(k), and after the first few thousand items almost nothing is inserted, so selecting k of N
/// never sorts N.
/// </summary>
internal ref struct NearestList
{
    private readonly Span<Neighbor> items;

    /// <summary>An empty list that keeps at most <paramref name="items"/>.Length neighbours.</summary>
    public NearestList(Span<Neighbor> items) => this.items = items;

    /// <summary>How many neighbours the list holds.</summary>
    public int Count { get; private set; }

    /// <summary>The distance an item must not exceed to enter: infinity until the list is full (minus infinity for a list with no room).</summary>
    public readonly float Bound => Count < items.Length ? float.PositiveInfinity : items.IsEmpty ? float.NegativeInfinity : items[Count - 1].Distance;

    /// <summary>Inserts the item if it is nearer than the farthest kept, ties going to the smaller id.</summary>
    public void Offer(float distance, long id)
    {
        if (items.IsEmpty) return;
        if (Count == items.Length)
        {
            Neighbor worst = items[Count - 1];
            if (distance > worst.Distance || distance == worst.Distance && id >= worst.Id) return;
            Count--;
        }
        int at = Count;
        for (; at > 0 && (items[at - 1].Distance > distance || items[at - 1].Distance == distance && items[at - 1].Id > id); at--)
            items[at] = items[at - 1];
        items[at] = new Neighbor(id, distance);
        Count++;
    }
}
