namespace Harness.Experiments;

/// A method entry's `"subsets": {"count": 20, "size": 10}`: the entry becomes one method per subset,
/// each fitted on its own `size` training prompts of the concept dataset, drawn without replacement,
/// the same number of each label (the labels of `unrelated` are arbitrary, so a subset is "any ten
/// prompts" with a balanced labelling of them, the discussion's procedure). Subset k of a dataset
/// depends only on the spec's seed, k, the size and the dataset, so every entry with the same
/// `subsets` sees the same subsets. Each member is also measured on its own prompts (split
/// `subset-k` of the dataset), against the null of random directions on the same prompts.
public sealed record PromptSubsets(int Count, int Size)
{
    public static readonly string[] Fields = ["count", "size"];

    internal static PromptSubsets Parse(SpecObject o) =>
        new(o.Int("count", 20, min: 1, max: 1000), o.Int("size", 10, min: 2, max: 100000));

    /// The split name of subset k's own prompts.
    public static string SplitName(int index) => $"subset-{index}";

    /// Whether a split is one subset's own prompts ("subset-3").
    public static bool IsSubsetSplit(string split) => split.StartsWith("subset-", StringComparison.Ordinal);

    /// The split of an entry's aggregate over its subsets' own prompts (EvidenceRows.AddSubsetAggregate).
    public const string Together = "subsets";

    /// How tables and plots name the subsets' own prompts together.
    public const string AnySubset = "subset-*";

    /// The items (indices into the training prompts, ascending) of subset `index`: `size / labels`
    /// items of each label, each label's items shuffled by a generator seeded from (seed, index).
    /// An error, naming `source`, when the size is not a multiple of the label count or a label
    /// has too few items.
    public static int[] Draw(int[] labels, int labelCount, int size, int index, int seed, string source)
    {
        if (size % labelCount != 0)
            throw new UsageException($"{source}: subsets.size {size} is not a multiple of the concept's {labelCount} labels (a subset has the same number of each)");
        var rng = new Random(Organisms.Seeds.Derive(seed, 1000 + index));
        var items = new List<int>();
        for (int label = 0; label < labelCount; label++)
        {
            var mine = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            if (mine.Length < size / labelCount)
                throw new UsageException($"{source}: subsets.size {size} needs {size / labelCount} training prompts of each label, and a label has only {mine.Length}");
            for (int i = mine.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (mine[i], mine[j]) = (mine[j], mine[i]);
            }
            items.AddRange(mine.Take(size / labelCount));
        }
        items.Sort();
        return items.ToArray();
    }
}
