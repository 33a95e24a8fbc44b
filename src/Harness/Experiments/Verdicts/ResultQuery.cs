namespace Harness.Experiments.Verdicts;

/// Lookups the verdict rules share, over the rows of one model and one site (by default the first
/// of each, in the order the runner wrote them). Methods are found by what they are (RunLabels: the
/// method "rlace" behind the labels "rlace", "rlace(max_steps=300)" and "rlace@politics", and its
/// concept), edits by kind ("project" for "project(centre=median)"), never by parsing a label.
public sealed class ResultQuery
{
    private readonly IReadOnlyList<ResultRow> _all;
    private readonly List<ResultRow> _rows;

    public ResultQuery(IReadOnlyList<ResultRow> rows, RunLabels labels, string? model = null, string? site = null)
    {
        _all = rows;
        Labels = labels;
        Model = model ?? rows.Select(r => r.Model).FirstOrDefault() ?? "";
        Site = site ?? rows.Where(r => r.Model == Model).Select(r => r.Site).FirstOrDefault() ?? "";
        _rows = rows.Where(r => r.Model == Model && r.Site == Site).ToList();
    }

    public RunLabels Labels { get; }
    public string Model { get; }
    public string Site { get; }
    public bool IsEmpty => _rows.Count == 0;

    /// Every row at this model and site.
    public IReadOnlyList<ResultRow> Rows => _rows;

    /// Every model of the results, in order.
    public IReadOnlyList<string> Models => _all.Select(r => r.Model).Distinct().ToList();

    /// Every site of this model, in order.
    public IReadOnlyList<string> Sites => _all.Where(r => r.Model == Model).Select(r => r.Site).Distinct().ToList();

    public ResultQuery At(string site) => new(_all, Labels, Model, site);
    public ResultQuery For(string model) => new(_all, Labels, model, _all.Where(r => r.Model == model).Select(r => r.Site).FirstOrDefault());

    /// Method labels (not "none"), in order; a method run with several seeds appears once, as its
    /// aggregate (the rows of single seeds have SeedOf set and are left out).
    public IReadOnlyList<string> Methods => _rows.Where(r => r.SeedOf is null).Select(r => r.Method).Where(m => m != ResultRow.None).Distinct().ToList();

    /// For each method run with several seeds: how its seeds' fits went (stop criterion, steps).
    public IEnumerable<string> SeedLines()
    {
        foreach (var group in _rows.Where(r => r.SeedOf is not null).GroupBy(r => r.SeedOf!))
        {
            int seeds = group.Select(r => r.Method).Distinct().Count();
            var line = $"{group.Key}: {seeds} seeds, each one sample of its fit; the row '{group.Key}' is their mean (seed_sd, seed_min, seed_max give the spread)";
            var stops = group.Where(r => r.Metric == MetricNames.StopReached).ToList();
            var steps = group.Where(r => r.Metric == MetricNames.FitSteps).Select(r => r.Value).ToList();
            if (stops.Count > 0)
                line += $"; stop criterion met by {stops.Count(r => r.Value == 1)} of {stops.Count}" + (steps.Count == 0 ? "" : $" (steps {steps.Min():0} to {steps.Max():0})");
            yield return line;
        }
    }

    /// Labels of the methods of this name ("rlace"), in order.
    public IReadOnlyList<string> Family(string name) => Methods.Where(m => Labels.Is(m, name)).ToList();

    /// Labels of every method but the random control, in order: the methods a rule judges.
    public IReadOnlyList<string> Judged => Methods.Where(m => !Labels.Is(m, Erasure.RandomDirections.Name)).ToList();

    /// Whether the label is the random control.
    public bool IsRandom(string method) => Labels.Is(method, Erasure.RandomDirections.Name);

    /// The first edit label of a kind ("project" -> "project(centre=median)"), or null.
    public string? Edit(string kind) => _rows.Select(r => r.Edit).FirstOrDefault(e => Labels.IsKind(e, kind));

    /// The concept dataset a method was fitted on, when it has rows here, or null.
    public string? ConceptOf(string method) =>
        _rows.Any(r => r.Method == method) ? Labels.Method(method)?.Concept : null;

    /// Every evaluated dataset (prompt metrics), in order.
    public IReadOnlyList<string> Datasets => _rows.Where(r => r.Metric == MetricNames.PronounBias).Select(r => r.Dataset).Distinct().ToList();

    public double? Value(string metric, string method, string edit, string dataset, string split = "test") =>
        Row(metric, method, edit, dataset, split)?.Value;

    /// The (pooled) row itself, with its interval, effect and null, or null.
    public ResultRow? Row(string metric, string method, string edit, string dataset, string split = "test") =>
        _rows.FirstOrDefault(r => r.IsPooled && r.Metric == metric && r.Method == method && r.Edit == edit && r.Dataset == dataset && r.Split == split);

    /// The row of one label's prompts (per-label rows: a dataset with paired labels), or null.
    public ResultRow? LabelRow(string metric, string method, string edit, string dataset, string label, string split = "test") =>
        _rows.FirstOrDefault(r => r.Label == label && r.Metric == metric && r.Method == method && r.Edit == edit && r.Dataset == dataset && r.Split == split);

    /// The labels with rows of a metric on a dataset, in order.
    public IReadOnlyList<string> LabelsOf(string metric, string dataset) =>
        _rows.Where(r => r.Label is not null && r.Metric == metric && r.Dataset == dataset).Select(r => r.Label!).Distinct().ToList();

    /// The unedited value (method and edit "none").
    public double? Baseline(string metric, string dataset, string split = "test") =>
        Value(metric, ResultRow.None, ResultRow.None, dataset, split);

    /// A number as the evidence shows it: 3 decimals, or 3 significant digits below 0.01 (so that
    /// a small KL does not read as 0).
    public static string F(double? x) => x is null ? "n/a" : F(x.Value);

    public static string F(double x) => ResultTable.Format(x);
}
