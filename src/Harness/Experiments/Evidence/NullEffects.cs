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
///
/// A spec may draw nulls of several ranks (one `random` method with `directions` >= 2 per rank): a
/// method spanning k directions is ranked against the null of rank k when there is one (an edit of
/// 16 INLP directions against random 16-dimensional subspaces), else against the null of the first
/// source.
public sealed class NullEffects
{
    public readonly record struct Key(string Model, string Site, string Edit, string Dataset, string Split, string Metric, string? Label, int Rank = 1);

    private readonly Dictionary<Key, List<double>> _effects = new();
    private readonly Dictionary<int, string> _sources = new();

    /// The order in which the sources registered, by rank: the first is the fallback.
    private readonly Dictionary<int, int> _order = new();

    /// Registers the random method that draws the null of `rank`.
    public void AddSource(int rank, string label)
    {
        if (_sources.TryAdd(rank, label)) _order[rank] = _order.Count;
    }

    /// Whether `label` draws a null, and of which rank.
    public int? RankOf(string label) => _sources.Where(s => s.Value == label).Select(s => (int?)s.Key).FirstOrDefault();

    /// The rank of the null a method spanning `k` directions is ranked against.
    public int NullRankFor(int? k) => k is int r && _sources.ContainsKey(r) ? r : _sources.Count == 0 ? 1 : _sources.MinBy(s => _order[s.Key]).Key;

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
