namespace Harness.Experiments.Evidence;

/// Collects a run's rows and the items behind them. A row measured from items gets its mean, `n`
/// and a 95 % cluster-bootstrap interval; an edited row also gets the paired effect against the
/// unedited row of the same items (same model, site, dataset, split and metric) with its interval;
/// and a dataset with two or more labels gets one more row per label. Unedited rows must be added
/// before the edited rows they are compared with (the runner measures the baseline first).
public sealed class EvidenceRows(int resamples, int seed)
{
    private readonly List<ResultRow> _rows = new();
    private readonly List<MeasuredRow> _measured = new();
    private readonly Dictionary<(string, string, string, string, string), Items> _baselines = new();
    /// The members of every seed aggregate, by model, site and aggregate label.
    private readonly Dictionary<(string, string, string), IReadOnlyList<string>> _seedGroups = new();

    public IReadOnlyList<ResultRow> Rows => _rows;

    /// Every pooled row that has items, with them (for items.jsonl).
    public IReadOnlyList<MeasuredRow> Measured => _measured;

    /// The label of a cue group's rows: "cue=2".
    public static string GroupLabel(string group) => CuePrefix + group;

    /// The label of a confidence bin's rows: "confidence=1" (the least confident third of the pairs
    /// with 3 bins) to "confidence=3".
    public static string ConfidenceLabel(int bin) => ConfidencePrefix + bin.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// Whether a row's label is a group's (a cue or a confidence bin) rather than a concept label's.
    public static bool IsGroupLabel(string label) =>
        label.StartsWith(CuePrefix, StringComparison.Ordinal) || label.StartsWith(ConfidencePrefix, StringComparison.Ordinal);

    public static bool IsConfidenceLabel(string label) => label.StartsWith(ConfidencePrefix, StringComparison.Ordinal);

    private const string CuePrefix = "cue=", ConfidencePrefix = "confidence=";

    /// A row that is not a mean of items (a count of directions, a text metric).
    public void Add(ResultRow row) => _rows.Add(row);

    /// A row that is the mean of `items`; `labelNames` names the items' label indices; with
    /// `perLabel`, one more row per label; with `groups` (groupings of the prompt set, each giving
    /// every prompt's group label by its index in the set: `cue=<cue>` from a dataset's `cue`
    /// field, `confidence=<bin>`), one more row per group of each grouping, with that label.
    public void Add(ResultRow row, Items items, IReadOnlyList<string> labelNames, bool perLabel = true, IReadOnlyList<IReadOnlyList<string>>? groups = null)
    {
        var key = (row.Model, row.Site, row.Dataset, row.Split, row.Metric);
        Items? baseline = row.IsBaseline ? null : _baselines.GetValueOrDefault(key);
        if (baseline is not null && (baseline.Count != items.Count || !baseline.Clusters.SequenceEqual(items.Clusters))) baseline = null;
        var pooled = Describe(row, items, baseline);
        _rows.Add(pooled);
        _measured.Add(new MeasuredRow(pooled, items, labelNames) { Groups = groups });
        if (row.IsBaseline) _baselines[key] = items;
        foreach (var grouping in groups ?? [])
            foreach (var group in Enumerable.Range(0, items.Count).Select(i => grouping[items.IndexOf(i)]).Distinct().Order(StringComparer.Ordinal))
            {
                Items In(Items x) => x.Where(Enumerable.Range(0, x.Count).Select(i => grouping[x.IndexOf(i)] == group).ToArray());
                _rows.Add(Describe(row with { Label = group }, In(items), baseline is null ? null : In(baseline)));
            }
        if (!perLabel || labelNames.Count < 2) return;
        for (int label = 0; label < labelNames.Count; label++)
        {
            var mine = items.WithLabel(label);
            if (mine.Count == 0) continue;
            _rows.Add(Describe(row with { Label = labelNames[label] }, mine, baseline?.WithLabel(label)));
        }
    }

    /// A row whose value is an increasing function of the mean of `items` (perplexity = exp of the
    /// mean -log p): the value and the 95 % interval mapped through it (percentile bounds map
    /// unchanged), no `n` (it is not a mean of its items) and no items in items.jsonl.
    public ResultRow Mapped(ResultRow row, Items items, Func<double, double> ofMean)
    {
        var ci = ClusterBootstrap.Mean(items, resamples, seed);
        return row with { Value = ofMean(items.Mean), CiLow = ofMean(ci.Low), CiHigh = ofMean(ci.High) };
    }

    /// Rows of damage per unit of edit size: for every edited row of a damage metric (`perSize`:
    /// damage metric -> ratio's name) at one model and site with items, and the `size` row of the
    /// same method, edit, dataset and split, mean(damage) / mean(size), its 95 % interval from
    /// resampling the clusters of both together (ClusterBootstrap.Ratio). No `n` and no items in
    /// items.jsonl (it is not a mean of items; both measurements it divides are there), no effect
    /// (it has no unedited counterpart). An edit of size 0 (the identity) gets no row: damage per unit of no edit is undefined.
    /// Called once the site's seed and subset aggregates exist, so that they get theirs.
    public void AddPerEditSize(string model, string site, string size, IReadOnlyDictionary<string, string> perSize)
    {
        var here = _measured.Where(m => m.Row.Model == model && m.Row.Site == site && !m.Row.IsBaseline).ToList();
        var sizes = here.Where(m => m.Row.Metric == size)
            .ToDictionary(m => (m.Row.Method, m.Row.Edit, m.Row.Dataset, m.Row.Split), m => m.Items);
        foreach (var d in here)
        {
            if (!perSize.TryGetValue(d.Row.Metric, out var name) || !sizes.TryGetValue((d.Row.Method, d.Row.Edit, d.Row.Dataset, d.Row.Split), out var s)) continue;
            double den = s.Mean;
            if (!(den > 0)) continue;
            var ci = ClusterBootstrap.Ratio(d.Items, s, resamples, seed);
            _rows.Add(Derived(d.Row, name, d.Items.Mean / den, ci));
        }
    }

    /// A row computed from `from` (same model, site, method, edit, dataset, split, seed membership);
    /// for a seed aggregate, with the spread of its seeds' own rows of the metric (computed first:
    /// the members' rows come before the aggregate's).
    private ResultRow Derived(ResultRow from, string metric, double value, ClusterBootstrap.Interval ci)
    {
        var row = new ResultRow(from.Experiment, from.Model, from.Site, from.Method, from.Edit, from.Dataset, from.Split, metric, value)
        {
            CiLow = ci.Low, CiHigh = ci.High, SeedOf = from.SeedOf,
        };
        return _seedGroups.TryGetValue((from.Model, from.Site, from.Method), out var members) ? WithSeeds(row, members) : row;
    }

    /// Damage per unit of the concept's bias change (MetricNames.KlPerBiasChange) for one method and
    /// edit: for every `damage` row of theirs on a dataset other than `concept`, mean damage /
    /// |mean paired effect on `bias` over the concept's test prompts|, its interval resampling the
    /// two independently (ClusterBootstrap.IndependentRatio). Nothing when either is missing or the bias did not move at all.
    public void AddPerBiasChange(string model, string site, string method, string edit, string concept, string bias, string damage, string name)
    {
        bool Mine(ResultRow r) => r.Model == model && r.Site == site && r.Method == method && r.Edit == edit;
        var edited = _measured.LastOrDefault(m => Mine(m.Row) && m.Row.Dataset == concept && m.Row.Split == "test" && m.Row.Metric == bias);
        if (edited is null || Baseline(model, site, concept, "test", bias) is not { } baseline || baseline.Count != edited.Items.Count) return;
        var change = edited.Items.Minus(baseline);
        foreach (var d in _measured.Where(m => Mine(m.Row) && m.Row.Metric == damage && m.Row.Dataset != concept).ToList())
        {
            double size = Math.Abs(change.Mean);
            if (size == 0) continue;
            _rows.Add(Derived(d.Row, name, d.Items.Mean / size, ClusterBootstrap.IndependentRatio(d.Items, change, resamples, seed)));
        }
    }

    /// The unedited items of a measurement, once added.
    public Items? Baseline(string model, string site, string dataset, string split, string metric) =>
        _baselines.GetValueOrDefault((model, site, dataset, split, metric));

    /// Gives every edited row with a null of its edit the null's size, and either the quantiles
    /// (the rows of the random method the null comes from) or its effect's null rank.
    public void AttachNulls(NullEffects nulls)
    {
        // How many directions each method spans (its "directions" row), for a null of that rank.
        var spans = _rows.Where(r => r.Metric == MetricNames.Directions)
            .GroupBy(r => (r.Model, r.Site, r.Method)).ToDictionary(g => g.Key, g => (int?)(int)Math.Round(g.First().Value));
        for (int i = 0; i < _rows.Count; i++)
        {
            var r = _rows[i];
            if (r.IsBaseline || r.Effect is not double effect) continue;
            int rank = nulls.RankOf(r.Method) ?? nulls.NullRankFor(spans.GetValueOrDefault((r.Model, r.Site, r.Method)));
            var key = new NullEffects.Key(r.Model, r.Site, r.Edit, r.Dataset, r.Split, r.Metric, r.Label, rank);
            var found = r.Split == PromptSubsets.Together ? nulls.MeanOverSubsets(key) : nulls.Of(key);
            if (found is not { Count: > 0 } draws) continue;
            if (nulls.RankOf(r.Method) is not null)
            {
                var (low, median, high) = NullEffects.Quantiles(draws);
                var mean = Items.Of(draws.ToArray(), Enumerable.Range(0, draws.Count).ToArray(), Enumerable.Repeat(-1, draws.Count).ToArray());
                var ci = ClusterBootstrap.Mean(mean, resamples, seed);
                _rows[i] = r with { NullN = draws.Count, NullLow = low, NullMedian = median, NullHigh = high, NullMean = mean.Mean, NullMeanLow = ci.Low, NullMeanHigh = ci.High };
            }
            else _rows[i] = r with { NullN = draws.Count, NullRank = NullEffects.Rank(draws, effect) };
        }
    }

    /// The aggregate of a method run with several seeds (`members`, one label per seed) at one model
    /// and site, under the label `group`: for every measurement all members have, a row whose items
    /// are the item-wise mean over seeds (its interval, effect and, later, null rank computed as for
    /// any method's) or, for a row without items, the mean value; each with the seeds' count, sd,
    /// min and max of the per-seed values (pooled and per label).
    public void AddSeedAggregate(string model, string site, string group, IReadOnlyList<string> members)
    {
        bool Mine(ResultRow r) => r.Model == model && r.Site == site && members.Contains(r.Method);
        _seedGroups[(model, site, group)] = members;
        int start = _rows.Count;
        AddItemwiseMean(model, site, group, members);
        for (int i = start; i < _rows.Count; i++) _rows[i] = WithSeeds(_rows[i], members);
        var plain = _rows.Where(r => Mine(r) && r.N is null).ToList();
        foreach (var g in plain.GroupBy(r => (r.Edit, r.Dataset, r.Split, r.Metric, r.Label)))
            if (g.Count() == members.Count)
                _rows.Add(WithSeeds(g.First() with { Method = group, Value = g.Average(r => r.Value) }, members));
        for (int i = 0; i < _rows.Count; i++)
            if (Mine(_rows[i])) _rows[i] = _rows[i] with { SeedOf = group };
        for (int i = 0; i < _measured.Count; i++)
            if (Mine(_measured[i].Row)) _measured[i] = _measured[i] with { Row = _measured[i].Row with { SeedOf = group } };
    }

    /// The aggregate of a method entry run on subsets (`members[k]` fitted on subset k, measured on
    /// its own prompts, split subset-k, and on the evaluated sets) under the entry's label:
    ///   - on the evaluated sets, the item-wise mean over the members (as for seeds);
    ///   - on the members' own prompts, split PromptSubsets.Together: every member's own items
    ///     together, clustered by subset, so that the bootstrap resamples whole subsets (the
    ///     subsets are the samples), with the paired effect against the same items unedited (a
    ///     baseline row of that split, added once per dataset) and, in AttachNulls, the null of the
    ///     per-draw mean over the subsets.
    public void AddSubsetAggregate(string model, string site, string group, IReadOnlyList<string> members, IReadOnlyList<int> subsets)
    {
        AddItemwiseMean(model, site, group, members);
        var index = members.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i, StringComparer.Ordinal);
        var own = _measured.Where(m => m.Row.Model == model && m.Row.Site == site && index.TryGetValue(m.Row.Method, out var i)
            && m.Row.Split == PromptSubsets.SplitName(subsets[i])).ToList();
        foreach (var g in own.GroupBy(m => (m.Row.Edit, m.Row.Dataset, m.Row.Metric)))
        {
            var list = g.OrderBy(m => index[m.Row.Method]).ToList();
            if (list.Count != members.Count) continue;
            var (edit, dataset, metric) = g.Key;
            var baselines = list.Select(m => Baseline(model, site, dataset, m.Row.Split, metric)).ToList();
            if (baselines.Any(b => b is null)) continue;
            var key = (model, site, dataset, PromptSubsets.Together, metric);
            if (!_baselines.ContainsKey(key))
                Add(new ResultRow(list[0].Row.Experiment, model, site, ResultRow.None, ResultRow.None, dataset, PromptSubsets.Together, metric, double.NaN),
                    Together(baselines!), list[0].LabelNames, perLabel: false);
            Add(list[0].Row with { Method = group, Split = PromptSubsets.Together, Label = null }, Together(list.Select(m => m.Items).ToList()), list[0].LabelNames, perLabel: false);
        }
    }

    /// Items of several subsets as one set: item i of subset k gets cluster k.
    private static Items Together(IReadOnlyList<Items> subsets) => Items.Of(
        subsets.SelectMany(s => s.Values).ToArray(),
        subsets.SelectMany((s, k) => Enumerable.Repeat(k, s.Count)).ToArray(),
        subsets.SelectMany(s => s.Labels).ToArray());

    /// For every measurement all members have on the same items, a row under `group` whose items
    /// are the item-wise mean over the members (its interval, effect and null rank computed as for
    /// any method's).
    private void AddItemwiseMean(string model, string site, string group, IReadOnlyList<string> members)
    {
        bool Mine(ResultRow r) => r.Model == model && r.Site == site && members.Contains(r.Method);
        var measured = _measured.Where(m => Mine(m.Row)).ToList();
        foreach (var g in measured.GroupBy(m => (m.Row.Edit, m.Row.Dataset, m.Row.Split, m.Row.Metric)))
        {
            var list = g.ToList();
            if (list.Count != members.Count || list.Any(m => !m.Items.Clusters.SequenceEqual(list[0].Items.Clusters))) continue;
            var first = list[0];
            var mean = first.Items with { Values = Enumerable.Range(0, first.Items.Count).Select(i => list.Average(m => m.Items.Values[i])).ToArray() };
            bool perLabel = _rows.Any(r => Mine(r) && r.Method == first.Row.Method && r.Label is not null && !IsGroupLabel(r.Label) && Same(r, first.Row));
            Add(first.Row with { Method = group, Label = null }, mean, first.LabelNames, perLabel, first.Groups);
        }
    }

    private static bool Same(ResultRow a, ResultRow b) =>
        a.Edit == b.Edit && a.Dataset == b.Dataset && a.Split == b.Split && a.Metric == b.Metric;

    private ResultRow WithSeeds(ResultRow row, IReadOnlyList<string> members)
    {
        var values = _rows.Where(r => r.Model == row.Model && r.Site == row.Site && members.Contains(r.Method) && Same(r, row) && r.Label == row.Label)
            .Select(r => r.Value).ToList();
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return row with { Seeds = values.Count, SeedSd = sd, SeedMin = values.Min(), SeedMax = values.Max() };
    }

    private ResultRow Describe(ResultRow row, Items items, Items? baseline)
    {
        var ci = ClusterBootstrap.Mean(items, resamples, seed);
        var described = row with { Value = items.Mean, N = items.Count, CiLow = ci.Low, CiHigh = ci.High };
        if (baseline is null) return described;
        var effect = ClusterBootstrap.Effect(items, baseline, resamples, seed);
        return described with { Effect = items.Minus(baseline).Mean, EffectCiLow = effect.Low, EffectCiHigh = effect.High };
    }
}

/// A pooled row with the items it is the mean of, the names of their label indices and, for a
/// prompt set with groups (cues, confidence bins), each prompt's group label per grouping.
public sealed record MeasuredRow(ResultRow Row, Items Items, IReadOnlyList<string> LabelNames)
{
    public IReadOnlyList<IReadOnlyList<string>>? Groups { get; init; }
}
