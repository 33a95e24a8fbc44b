namespace Harness.Experiments.Evidence;

/// The null distribution of an edit's effect: the effects (edited minus unedited, on the same
/// items) of the same edit along many random bases (the `random` method with `directions: N`), per
/// model, site, edit, dataset, split, metric and label. A fitted method's effect is ranked against it:
///
///     null_rank = (1 + #{j : |null_j| >= |effect|}) / (N + 1)
///
/// the fraction of random bases whose effect is at least as large in size, counting the method
/// itself as one of them (Phipson & Smyth 2010), so that it is a valid p-value and never 0: with
/// N = 99 the smallest possible rank is 0.01.
public sealed class NullEffects
{
    public readonly record struct Key(string Model, string Site, string Edit, string Dataset, string Split, string Metric, string? Label);

    private readonly Dictionary<Key, List<double>> _effects = new();

    /// The label of the random method whose bases these are.
    public string? Source { get; set; }

    public void Add(Key key, double effect)
    {
        if (!_effects.TryGetValue(key, out var list)) _effects[key] = list = new List<double>();
        list.Add(effect);
    }

    public IReadOnlyList<double>? Of(Key key) => _effects.GetValueOrDefault(key);

    /// For the subsets' own prompts taken together (split PromptSubsets.Together): draw j's effect
    /// is the mean over the subsets of draw j's effect on each subset's prompts, as the aggregate's
    /// effect is the mean over the subsets of the members' (every subset has the same size).
    public IReadOnlyList<double>? MeanOverSubsets(Key key)
    {
        var lists = _effects.Where(e => PromptSubsets.IsSubsetSplit(e.Key.Split) && e.Key with { Split = key.Split } == key).Select(e => e.Value).ToList();
        if (lists.Count == 0 || lists.Any(l => l.Count != lists[0].Count)) return null;
        return Enumerable.Range(0, lists[0].Count).Select(j => lists.Average(l => l[j])).ToList();
    }

    public static double Rank(IReadOnlyList<double> nulls, double effect) =>
        (1 + nulls.Count(e => Math.Abs(e) >= Math.Abs(effect))) / (double)(nulls.Count + 1);

    /// The 2.5, 50 and 97.5 % quantiles (numpy's linear interpolation).
    public static (double Low, double Median, double High) Quantiles(IReadOnlyList<double> nulls)
    {
        var sorted = nulls.Order().ToArray();
        return (ClusterBootstrap.Percentile(sorted, 0.025), ClusterBootstrap.Percentile(sorted, 0.5), ClusterBootstrap.Percentile(sorted, 0.975));
    }
}
