using ScottPlot;

namespace Harness.Experiments;

/// The run's PNG plots (ScottPlot 5, rendered headless):
///   - plot-bias-<model>[-<site>].png: the main metric on the first evaluated dataset and split as
///     grouped bars, a group per method and a bar per edit ("none" = unedited), for each site of
///     a run with at most a few sites;
///   - plot-layers-<model>-<dataset>.png for sweeps: the main metric by layer, a line per method and
///     edit, and the unedited value as a dashed line.
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
        var rows = Report.Pooled(allRows);
        var metric = MainMetric(spec);
        if (metric is null) return [];
        var files = new List<string>();
        var sets = ResultTable.Sets(rows, metric).Where(s => s.Split != ResultRow.TextSplit).ToList();
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
                bars.Add(new Bar { Position = g * groupWidth + s, Value = value.Value, FillColor = palette.GetColor(s), LineWidth = 0 });
            }
            ticks.Add(new Tick(g * groupWidth + (series.Count - 1) / 2.0, methods[g]));
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        for (int s = 0; s < series.Count; s++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = palette.GetColor(s) });
        plot.ShowLegend(Edge.Right);
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        plot.Title($"{metric}, {dataset}/{split}: {RunFolder.Display(model)} at {site}");
        plot.YLabel(metric);
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
            var points = chosen.Where(select).Select(r => (Layer: (double)SiteSelection.LayerOf(r.Site)!.Value, r.Value))
                .Where(p => double.IsFinite(p.Value)).OrderBy(p => p.Layer).ToList();
            if (points.Count == 0) return;
            var scatter = plot.Add.Scatter(points.Select(p => p.Layer).ToArray(), points.Select(p => p.Value).ToArray(), color);
            scatter.LegendText = label;
            scatter.LinePattern = pattern;
            scatter.LineWidth = width;
            scatter.MarkerShape = marker;
            scatter.MarkerSize = 7;
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
