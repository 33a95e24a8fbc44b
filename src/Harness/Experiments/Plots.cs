using ScottPlot;

namespace Harness.Experiments;

/// The run's PNG plots (ScottPlot 5, rendered headless):
///   - plot-bias-<model>[-<site>].png: the main metric on the first evaluated dataset and split as
///     grouped bars, a group per method and a bar per edit ("none" = unedited), each with its 95 %
///     interval as an error bar, and behind every edited bar the null of random directions (the
///     unedited value plus the null's 2.5-97.5 % effect quantiles) as a grey band, for each site of
///     a run with at most a few sites;
///   - plot-layers-<model>-<dataset>.png for sweeps: the main metric by layer, a line per method and
///     edit with error bars, the null of each edit as a translucent band in the edit's pattern
///     colour, and the unedited value as a dashed line.
///   - plot-strength-<model>-<method>.png for a sweep of edit strengths (three or more edits with a
///     strength s of v' = v - s (v - m) D^T D): per method, the logit difference on the first
///     evaluated dataset against s (left axis, with intervals and the null band), and the bias there
///     and the KL damage on each other evaluated dataset (right axis; without kl_damage, their logit
///     difference on the left).
/// A method run with several seeds is drawn once, as its aggregate.
/// The main metric is pronoun_bias when measured, else the first prompt metric of the spec.
public static class Plots
{
    public const int Width = 1000, Height = 560;

    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
    private static readonly MarkerShape[] Markers = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond, MarkerShape.OpenCircle];
    private const int MostBarPlots = 3;

    /// Writes the plots into `folder`; returns their file names.
    public static IReadOnlyList<string> Write(string folder, ExperimentSpec spec, IReadOnlyList<ResultRow> allRows)
    {
        var rows = Report.Pooled(allRows).Where(r => r.SeedOf is null).ToList();
        var metric = MainMetric(spec);
        if (metric is null) return [];
        var files = new List<string>();
        var sets = ResultTable.Sets(rows, metric).Where(s => !ResultRow.IsTextSplit(s.Split) && s.Split != PromptSubsets.AnySubset).ToList();
        if (sets.Count == 0) return [];
        var (dataset, split) = sets[0];
        foreach (var model in rows.Select(r => r.Model).Distinct())
        {
            var sites = rows.Where(r => r.Model == model).Select(r => r.Site).Distinct().ToList();
            if (sites.Count <= MostBarPlots)
            {
                foreach (var site in sites)
                {
                    var name = $"{RunFolder.PlotPrefix}bias-{RunFolder.Safe(model)}{(sites.Count > 1 ? "-" + RunFolder.Safe(site) : "")}.png";
                    if (Bars(Path.Combine(folder, name), rows, model, site, metric, dataset, split)) files.Add(name);
                }
            }
            var strengths = spec.Edits.Where(e => e.EffectiveStrength is not null).ToDictionary(e => e.Label, e => e.EffectiveStrength!.Value, StringComparer.Ordinal);
            if (strengths.Count >= 3)
                foreach (var method in rows.Where(r => r.Model == model && r.Method != ResultRow.None && strengths.ContainsKey(r.Edit)).Select(r => r.Method).Distinct())
                {
                    var name = $"{RunFolder.PlotPrefix}strength-{RunFolder.Safe(model)}-{RunFolder.Safe(method)}.png";
                    if (Strengths(Path.Combine(folder, name), rows, model, sites[0], method, strengths, spec.Evaluate.Datasets)) files.Add(name);
                }
            if (sites.Count > 1)
            {
                foreach (var (d, s) in sets)
                {
                    var name = $"{RunFolder.PlotPrefix}layers-{RunFolder.Safe(model)}-{RunFolder.Safe(d)}{(s == "test" ? "" : "-" + s)}.png";
                    if (Layers(Path.Combine(folder, name), rows, model, metric, d, s)) files.Add(name);
                }
            }
        }
        return files;
    }

    /// PNG bytes go through AtomicFile like every other output: whole or not at all.
    private static void Save(Plot plot, string path)
    {
        var png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        IO.AtomicFile.Write(path, s => s.Write(png));
    }

    public static string? MainMetric(ExperimentSpec spec) =>
        spec.Wants(MetricNames.PronounBias) ? MetricNames.PronounBias
        : spec.Metrics.FirstOrDefault(m => m is MetricNames.LogitDiff or MetricNames.KlDamage or MetricNames.GenerationDivergence);

    private static bool Bars(string path, IReadOnlyList<ResultRow> rows, string model, string site, string metric, string dataset, string split)
    {
        var chosen = rows.Where(r => r.Model == model && r.Site == site && r.Metric == metric && r.Dataset == dataset && r.Split == split).ToList();
        var baseline = chosen.FirstOrDefault(r => r.IsBaseline);
        var methods = chosen.Where(r => r.Method != ResultRow.None).Select(r => r.Method).Distinct().ToList();
        var edits = chosen.Where(r => !r.IsBaseline).Select(r => r.Edit).Distinct().ToList();
        if (methods.Count == 0) return false;
        var series = (baseline is null ? edits : edits.Prepend(ResultRow.None)).ToList();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var intervals = new List<(double X, double Value, double Low, double High)>();
        var ticks = new List<Tick>();
        int groupWidth = series.Count + 1;
        for (int g = 0; g < methods.Count; g++)
        {
            for (int s = 0; s < series.Count; s++)
            {
                double? value = series[s] == ResultRow.None
                    ? baseline?.Value
                    : chosen.FirstOrDefault(r => r.Method == methods[g] && r.Edit == series[s])?.Value;
                if (value is null || !double.IsFinite(value.Value)) continue;
                double x = g * groupWidth + s;
                bars.Add(new Bar { Position = x, Value = value.Value, FillColor = palette.GetColor(s), LineWidth = 0 });
                var row = series[s] == ResultRow.None ? baseline : chosen.FirstOrDefault(r => r.Method == methods[g] && r.Edit == series[s]);
                if (row?.CiLow is double lo && row.CiHigh is double hi) intervals.Add((x, row.Value, lo, hi));
                if (series[s] != ResultRow.None && baseline is not null && NullOf(chosen, series[s]) is { } band)
                {
                    var rect = plot.Add.Rectangle(x - 0.5, x + 0.5, baseline.Value + band.Low, baseline.Value + band.High);
                    rect.FillColor = Colors.Gray.WithAlpha(0.35);
                    rect.LineWidth = 0;
                }
            }
            ticks.Add(new Tick(g * groupWidth + (series.Count - 1) / 2.0, methods[g]));
        }
        plot.Add.Bars(bars);
        ErrorBars(plot, intervals, Colors.Black);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        for (int s = 0; s < series.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
        if (edits.Any(e => NullOf(chosen, e) is not null))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "null of random directions (2.5-97.5 %)", FillColor = Colors.Gray.WithAlpha(0.35) });
        plot.ShowLegend(Edge.Right);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        plot.Title($"{metric}, {dataset}/{split}: {RunFolder.Display(model)} at {site}");
        plot.YLabel(metric);
        Save(plot, path);
        return true;
    }

    /// The null of an edit's effect (2.5 and 97.5 % quantiles), from the rows of the random method
    /// that drew it, or null.
    private static (double Low, double High)? NullOf(IReadOnlyList<ResultRow> rows, string edit) =>
        rows.FirstOrDefault(r => r.Edit == edit && r.NullLow is not null && r.NullHigh is not null) is { } r ? (r.NullLow!.Value, r.NullHigh!.Value) : null;

    /// 95 % intervals as vertical error bars (asymmetric: a bootstrap interval need not be centred).
    private static void ErrorBars(Plot plot, IReadOnlyList<(double X, double Value, double Low, double High)> intervals, Color color)
    {
        if (intervals.Count == 0) return;
        var bars = plot.Add.ErrorBar(intervals.Select(i => i.X).ToArray(), intervals.Select(i => i.Value).ToArray(), intervals.Select(_ => 0.0).ToArray());
        bars.YErrorPositive = intervals.Select(i => i.High - i.Value).ToArray();
        bars.YErrorNegative = intervals.Select(i => i.Value - i.Low).ToArray();
        bars.Color = color;
        bars.LineWidth = 1.2f;
        bars.CapSize = 4;
    }

    private static bool Strengths(string path, IReadOnlyList<ResultRow> rows, string model, string site, string method,
        IReadOnlyDictionary<string, double> strengths, IReadOnlyList<string> datasets)
    {
        var here = rows.Where(r => r.Model == model && r.Site == site && !r.IsText).ToList();
        var concept = datasets.FirstOrDefault(d => here.Any(r => r.Method == method && r.Dataset == d && r.Metric == MetricNames.LogitDiff));
        if (concept is null) return false;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        bool Series(string metric, string dataset, bool right)
        {
            var points = here.Where(r => r.Method == method && r.Dataset == dataset && r.Metric == metric && strengths.ContainsKey(r.Edit) && double.IsFinite(r.Value))
                .Select(r => (X: strengths[r.Edit], Row: r)).OrderBy(p => p.X).ToList();
            if (points.Count < 2) return false;
            var color = palette.GetColor(colour++);
            var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Row.Value).ToArray(), color);
            scatter.LegendText = $"{metric} on {dataset}{(right ? " (right axis)" : "")}";
            scatter.MarkerSize = 7;
            if (right) scatter.Axes.YAxis = plot.Axes.Right;
            var bars = points.Where(p => p.Row.CiLow is not null && p.Row.CiHigh is not null).ToList();
            if (bars.Count > 0)
            {
                var error = plot.Add.ErrorBar(bars.Select(p => p.X).ToArray(), bars.Select(p => p.Row.Value).ToArray(), bars.Select(_ => 0.0).ToArray());
                error.YErrorPositive = bars.Select(p => p.Row.CiHigh!.Value - p.Row.Value).ToArray();
                error.YErrorNegative = bars.Select(p => p.Row.Value - p.Row.CiLow!.Value).ToArray();
                error.Color = color;
                error.CapSize = 4;
                if (right) error.Axes.YAxis = plot.Axes.Right;
            }
            return true;
        }
        // The null of the logit difference at each strength: the unedited value plus its quantiles.
        var unedited = here.FirstOrDefault(r => r.IsBaseline && r.Dataset == concept && r.Metric == MetricNames.LogitDiff);
        var band = strengths.OrderBy(e => e.Value)
            .Select(e => (X: e.Value, Null: NullOf(here.Where(r => r.Dataset == concept && r.Metric == MetricNames.LogitDiff).ToList(), e.Key)))
            .Where(b => b.Null is not null && unedited is not null).ToList();
        if (band.Count >= 2)
        {
            var fill = plot.Add.FillY(band.Select(b => b.X).ToArray(), band.Select(b => unedited!.Value + b.Null!.Value.Low).ToArray(), band.Select(b => unedited!.Value + b.Null!.Value.High).ToArray());
            fill.FillColor = Colors.Gray.WithAlpha(0.3);
            fill.LineWidth = 0;
            fill.LegendText = $"null of random directions, logit_diff on {concept} (2.5-97.5 %)";
        }
        Series(MetricNames.LogitDiff, concept, right: false);
        Series(MetricNames.PronounBias, concept, right: true);
        foreach (var other in datasets.Where(d => d != concept))
            if (!Series(MetricNames.KlDamage, other, right: true)) Series(MetricNames.LogitDiff, other, right: false);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        plot.XLabel("strength s of v' = v - s (v - m) D^T D (-1 doubles, 1 projects, 2 reflects)");
        plot.YLabel(MetricNames.LogitDiff);
        plot.Axes.Right.Label.Text = here.Any(r => r.Metric == MetricNames.KlDamage) ? "pronoun_bias, kl_damage" : "pronoun_bias";
        plot.Title($"{method} by strength: {RunFolder.Display(model)}, {site}");
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }

    private static bool Layers(string path, IReadOnlyList<ResultRow> rows, string model, string metric, string dataset, string split)
    {
        var chosen = rows.Where(r => r.Model == model && r.Metric == metric && r.Dataset == dataset && r.Split == split
                                     && SiteSelection.LayerOf(r.Site) is not null).ToList();
        var layers = chosen.Select(r => SiteSelection.LayerOf(r.Site)!.Value).Distinct().Order().ToList();
        if (layers.Count < 2) return false;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var series = chosen.Where(r => !r.IsBaseline).Select(r => (r.Method, r.Edit)).Distinct().ToList();
        var methods = series.Select(x => x.Method).Distinct().ToList();
        var edits = series.Select(x => x.Edit).Distinct().ToList();
        void Line(string label, Func<ResultRow, bool> select, Color color, LinePattern pattern, MarkerShape marker, float width)
        {
            var points = chosen.Where(select).Select(r => (Layer: (double)SiteSelection.LayerOf(r.Site)!.Value, r.Value, r.CiLow, r.CiHigh))
                .Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Layer).ToList();
            if (points.Count == 0) return;
            ErrorBars(plot, points.Where(p => p.CiLow is not null && p.CiHigh is not null).Select(p => (p.Layer, p.Value, p.CiLow!.Value, p.CiHigh!.Value)).ToList(), color);
            var scatter = plot.Add.Scatter(points.Select(p => p.Layer).ToArray(), points.Select(p => p.Value).ToArray(), color);
            scatter.LegendText = label;
            scatter.LinePattern = pattern;
            scatter.LineWidth = width;
            scatter.MarkerShape = marker;
            scatter.MarkerSize = 7;
        }
        // The null of each edit, by layer: the unedited value plus the null's effect quantiles.
        foreach (var e in edits)
        {
            var band = layers.Select(l => (Layer: l, Base: chosen.FirstOrDefault(r => r.IsBaseline && SiteSelection.LayerOf(r.Site) == l),
                    Null: NullOf(chosen.Where(r => SiteSelection.LayerOf(r.Site) == l).ToList(), e)))
                .Where(b => b.Base is not null && b.Null is not null).ToList();
            if (band.Count < 2) continue;
            var fill = plot.Add.FillY(band.Select(b => (double)b.Layer).ToArray(),
                band.Select(b => b.Base!.Value + b.Null!.Value.Low).ToArray(), band.Select(b => b.Base!.Value + b.Null!.Value.High).ToArray());
            fill.FillColor = palette.GetColor(methods.Count + edits.IndexOf(e)).WithAlpha(0.2);
            fill.LineWidth = 0;
            fill.LegendText = $"null of random directions, {e} (2.5-97.5 %)";
        }
        // colour = method, line pattern and marker = edit; the unedited value is thick, black, dashed
        Line(ResultRow.None, r => r.IsBaseline, Colors.Black, LinePattern.Dashed, MarkerShape.None, 2.5f);
        foreach (var (m, e) in series)
            Line($"{m} {e}", r => r.Method == m && r.Edit == e, palette.GetColor(methods.IndexOf(m)),
                Patterns[edits.IndexOf(e) % Patterns.Length], Markers[edits.IndexOf(e) % Markers.Length], 1.5f);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(layers.Select(l => new Tick(l, l.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray());
        plot.XLabel("layer");
        plot.YLabel(metric);
        plot.Title($"{metric}, {dataset}/{split} by layer: {RunFolder.Display(model)}");
        plot.ShowLegend(Edge.Right);
        Save(plot, path);
        return true;
    }
}
