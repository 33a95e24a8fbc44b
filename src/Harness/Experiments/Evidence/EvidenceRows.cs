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

    public IReadOnlyList<ResultRow> Rows => _rows;

    /// Every pooled row that has items, with them (for items.jsonl).
    public IReadOnlyList<MeasuredRow> Measured => _measured;

    /// A row that is not a mean of items (a count of directions, a text metric).
    public void Add(ResultRow row) => _rows.Add(row);

    /// A row that is the mean of `items`; `labelNames` names the items' label indices; with
    /// `perLabel`, one more row per label.
    public void Add(ResultRow row, Items items, IReadOnlyList<string> labelNames, bool perLabel = true)
    {
        var key = (row.Model, row.Site, row.Dataset, row.Split, row.Metric);
        Items? baseline = row.IsBaseline ? null : _baselines.GetValueOrDefault(key);
        if (baseline is not null && (baseline.Count != items.Count || !baseline.Clusters.SequenceEqual(items.Clusters))) baseline = null;
        var pooled = Describe(row, items, baseline);
        _rows.Add(pooled);
        _measured.Add(new MeasuredRow(pooled, items, labelNames));
        if (row.IsBaseline) _baselines[key] = items;
        if (!perLabel || labelNames.Count < 2) return;
        for (int label = 0; label < labelNames.Count; label++)
        {
            var mine = items.WithLabel(label);
            if (mine.Count == 0) continue;
            _rows.Add(Describe(row with { Label = labelNames[label] }, mine, baseline?.WithLabel(label)));
        }
    }

    /// The unedited items of a measurement, once added.
    public Items? Baseline(string model, string site, string dataset, string split, string metric) =>
        _baselines.GetValueOrDefault((model, site, dataset, split, metric));

    /// Gives every edited row with a null of its edit the null's size, and either the quantiles
    /// (the rows of the random method the null comes from) or its effect's null rank.
    public void AttachNulls(NullEffects nulls)
    {
        for (int i = 0; i < _rows.Count; i++)
        {
            var r = _rows[i];
            if (r.IsBaseline || r.Effect is not double effect) continue;
            if (nulls.Of(new NullEffects.Key(r.Model, r.Site, r.Edit, r.Dataset, r.Split, r.Metric, r.Label)) is not { Count: > 0 } draws) continue;
            if (r.Method == nulls.Source)
            {
                var (low, median, high) = NullEffects.Quantiles(draws);
                _rows[i] = r with { NullN = draws.Count, NullLow = low, NullMedian = median, NullHigh = high };
            }
            else _rows[i] = r with { NullN = draws.Count, NullRank = NullEffects.Rank(draws, effect) };
        }
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

/// A pooled row with the items it is the mean of, and the names of their label indices.
public sealed record MeasuredRow(ResultRow Row, Items Items, IReadOnlyList<string> LabelNames);
