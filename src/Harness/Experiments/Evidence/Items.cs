namespace Harness.Experiments.Evidence;

/// The per-item values behind one mean: one value per measured item (a prompt, a held-out sentence),
/// the cluster it belongs to (its dataset `pair`: the prompts of a minimal pair are not independent
/// and are resampled together) and its label index (-1 when the dataset has no labels).
public sealed record Items(double[] Values, int[] Clusters, int[] Labels)
{
    public int Count => Values.Length;

    /// Each item's index in its dataset split, when the items are not simply items 0..n-1 (the
    /// confusion patch measures only prompts with a partner).
    public int[]? Indices { get; init; }

    public int IndexOf(int item) => Indices?[item] ?? item;
    public double Mean => Values.Average();

    public static Items Of(double[] values, int[] clusters, int[] labels)
    {
        if (clusters.Length != values.Length || labels.Length != values.Length)
            throw new ArgumentException($"items: {values.Length} values, {clusters.Length} clusters and {labels.Length} labels");
        if (values.Length == 0) throw new ArgumentException("items: no values");
        return new Items(values, clusters, labels);
    }

    /// The items with label index `label`, in their order.
    public Items WithLabel(int label)
    {
        var keep = Enumerable.Range(0, Count).Where(i => Labels[i] == label).ToArray();
        return new Items(keep.Select(i => Values[i]).ToArray(), keep.Select(i => Clusters[i]).ToArray(), keep.Select(i => Labels[i]).ToArray())
        {
            Indices = keep.Select(IndexOf).ToArray(),
        };
    }

    /// The items where `keep` is true, in their order.
    public Items Where(bool[] keep)
    {
        if (keep.Length != Count) throw new ArgumentException($"items: {keep.Length} flags for {Count} items");
        var at = Enumerable.Range(0, Count).Where(i => keep[i]).ToArray();
        return new Items(at.Select(i => Values[i]).ToArray(), at.Select(i => Clusters[i]).ToArray(), at.Select(i => Labels[i]).ToArray())
        {
            Indices = at.Select(IndexOf).ToArray(),
        };
    }

    /// This minus `baseline`, item by item: the paired difference of two measurements of the same items.
    public Items Minus(Items baseline)
    {
        if (baseline.Count != Count || !baseline.Clusters.SequenceEqual(Clusters))
            throw new ArgumentException($"items: a paired difference needs the same items ({Count} vs {baseline.Count})");
        return this with { Values = Values.Zip(baseline.Values, (a, b) => a - b).ToArray() };
    }
}
