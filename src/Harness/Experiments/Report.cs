using System.Text;
using Harness.Experiments.Verdicts;

namespace Harness.Experiments;

/// report.md: what was run, the verdict on the spec's hypothesis with the numbers that decided it,
/// and the tables: the bias by method and edit for each dataset (the main table, also printed to
/// stdout), the damage tables (KL, perplexity, generation divergence), probe accuracy, confusion,
/// the fitted dimensions, and by-site tables for sweeps; then the plots.
public static class Report
{
    /// Metrics in the order the report shows them, with a heading each.
    private static readonly (string Metric, string Heading)[] Sections =
    [
        (MetricNames.PronounBias, "Bias by method and edit"),
        (MetricNames.LogitDiff, "Logit difference by method and edit"),
        (MetricNames.KlDamage, "Damage: KL(unedited || edited), nats per position"),
        (MetricNames.Perplexity, "Damage: perplexity of the text"),
        (MetricNames.KlPerEditSize, "Damage per unit of edit size: KL / mean ||edited - unedited|| at the site"),
        (MetricNames.KlPerBiasChange, "Damage per unit of bias change: KL on other datasets / |effect on the concept's bias|"),
        (MetricNames.EditSize, "Edit size: mean ||edited - unedited|| at the site"),
        (MetricNames.GenerationDivergence, "Damage: first differing token of greedy generations"),
        (MetricNames.PartnerKl, "Counterfactual damage: KL(partner unedited || edited) at the last position"),
        (MetricNames.PartnerDivergence, "Counterfactual: first token where the edited generation leaves the partner's unedited one"),
        (MetricNames.ProbeAccuracy, "Retrained probe: held-out accuracy (keep = the method's subspace only)"),
        (MetricNames.MlpProbeAccuracy, "Retrained MLP probe: held-out accuracy"),
        (MetricNames.ProbeMajority, "Retrained probe: majority baseline"),
        (MetricNames.Confusion, "Confusion: change of log p(correct) - log p(wrong) when the paired prompt's component is patched in"),
        (MetricNames.Directions, "Directions fitted"),
    ];

    /// The spec's hypothesis's verdict, with how the fits of methods run with several seeds went.
    public static Verdict? Verdict(ExperimentSpec spec, IReadOnlyList<ResultRow> rows)
    {
        if (spec.Hypothesis is not { } h) return null;
        var pooled = Pooled(rows);
        var labels = RunLabels.Of(spec);
        // The rules see every row; their lookups take the pooled ones unless they ask for a label's.
        var verdict = VerdictRules.Find(h)!.Decide(rows, labels);
        var query = new ResultQuery(pooled, labels);
        return verdict with { Evidence = [.. verdict.Evidence, .. query.Models.SelectMany(m => query.For(m).SeedLines())] };
    }

    /// The pooled rows (over every label), which the rules, the main tables and the plots read.
    public static IReadOnlyList<ResultRow> Pooled(IReadOnlyList<ResultRow> rows) => rows.Where(r => r.IsPooled).ToList();

    /// The rows of one label, with their label taken off, so that the same tables show them.
    private static IReadOnlyList<ResultRow> OfLabel(IReadOnlyList<ResultRow> rows, string label) =>
        rows.Where(r => r.Label == label).Select(r => r with { Label = null }).ToList();

    /// `run`: what the run ran on (run.json), shown briefly in the header.
    public static string Build(ExperimentSpec spec, IReadOnlyList<ResultRow> rows, Verdict? verdict, IReadOnlyList<string> plots, TimeSpan elapsed, RunInfo run)
    {
        var text = new StringBuilder();
        text.Append($"# {spec.Name}\n\n");
        if (spec.Description.Length > 0) text.Append(spec.Description).Append("\n\n");
        text.Append($"- spec: `{spec.Source}`\n");
        text.Append($"- models: {string.Join(", ", run.Models.Select(Describe))}\n");
        var commit = run.Harness.Commit == SourceRevision.Unknown ? "unknown" : run.Harness.Commit[..Math.Min(12, run.Harness.Commit.Length)];
        text.Append($"- ran on: {run.Device}, {run.Dtype}, {run.Threads} LibTorch thread(s); harness commit {commit} ({run.Harness.Tree})\n");
        var m = run.Machine;
        text.Append($"- machine: {m.Os}; {m.Cpu} ({m.Cores} cores); TorchSharp {m.TorchSharp}, LibTorch {m.LibTorch}, {m.Dotnet}\n");
        text.Append($"- started {Utc(run.StartedUtc)}, finished {Utc(run.FinishedUtc)} (details in `{RunInfo.FileName}`)\n");
        text.Append($"- sites: {string.Join(", ", rows.Select(r => r.Site).Distinct().Select(s => $"`{s}`"))}\n");
        text.Append($"- concept: {spec.Concept.Dataset} ({spec.Concept.Source.ToString().ToLowerInvariant()}, positions {spec.Concept.Positions.Name()})\n");
        text.Append($"- methods: {string.Join(", ", spec.Methods.Select(Describe))}\n");
        text.Append($"- edits: {string.Join(", ", spec.Edits.Select(e => e.Label))} at {spec.EditPositions.Name()} positions\n");
        text.Append($"- evaluated: {string.Join(", ", spec.Evaluate.Datasets)} ({string.Join(", ", spec.Evaluate.Splits.Select(s => s.ToString().ToLowerInvariant()))})\n");
        text.Append($"- seed {spec.Seed}; {rows.Count} results in {elapsed.TotalSeconds:F1} s; intervals: 95 % cluster bootstrap over pairs, {spec.Resamples} resamples (`value [low, high]`)\n\n");

        if (spec.Hypothesis is { } h)
        {
            var rule = VerdictRules.Find(h)!;
            text.Append($"## Verdict: {rule.Name}\n\n");
            text.Append($"Claim: {rule.Claim}.\n\n");
            text.Append($"**{verdict!.Word}**\n\n");
            if (verdict.Methods.Count > 0)
            {
                text.Append("| method | verdict | evidence |\n| --- | --- | --- |\n");
                foreach (var judged in verdict.Methods)
                    text.Append($"| {judged.Method} | {judged.Word} | {string.Join("; ", judged.Checks.Select(c => c.Line)).Replace("|", "\\|")} |\n");
                text.Append('\n');
            }
            foreach (var line in verdict.Evidence) text.Append($"- {line}\n");
            text.Append('\n');
        }

        var pooled = Pooled(rows);
        var labels = rows.Where(r => r.Label is not null).Select(r => r.Label!).Distinct().ToList();
        foreach (var (metric, heading) in Sections)
        {
            var tables = Tables(pooled, metric).ToList();
            if (tables.Count == 0) continue;
            text.Append($"## {heading}\n\n");
            foreach (var table in tables)
                text.Append($"### {table.Title}\n\n").Append(table.ToMarkdown()).Append('\n');
            // Per label for the bias: a pooled 0 can be erasure or two opposite one-sided shifts.
            if (metric != MetricNames.PronounBias) continue;
            foreach (var table in NullTables(pooled, metric))
                text.Append($"### {table.Title}\n\n").Append(table.ToMarkdown()).Append('\n');
            foreach (var label in labels)
                foreach (var table in Tables(OfLabel(rows, label), metric))
                    text.Append($"### {table.Title}, {label} prompts only\n\n").Append(table.ToMarkdown()).Append('\n');
        }

        if (plots.Count > 0)
        {
            text.Append("## Plots\n\n");
            foreach (var p in plots) text.Append($"![{p}]({p})\n\n");
        }
        return text.ToString();
    }

    /// The main table(s): the bias (or the first prompt metric) by method and edit, as plain text.
    public static string MainTables(ExperimentSpec spec, IReadOnlyList<ResultRow> rows)
    {
        var metric = Plots.MainMetric(spec) ?? spec.Metrics.FirstOrDefault();
        if (metric is null) return "";
        var text = new StringBuilder();
        foreach (var table in Tables(Pooled(rows), metric)) text.Append(table.ToText()).Append('\n');
        return text.ToString();
    }

    /// The tables of one metric: by method and edit for each model, site, dataset and split, and by
    /// site for sweeps.
    public static IEnumerable<ResultTable> Tables(IReadOnlyList<ResultRow> rows, string metric, bool bySite = true)
    {
        var sets = ResultTable.Sets(rows, metric);
        foreach (var model in rows.Select(r => r.Model).Distinct())
        {
            var sites = rows.Where(r => r.Model == model).Select(r => r.Site).Distinct().ToList();
            if (bySite && sites.Count > 1)
            {
                foreach (var (dataset, split) in sets)
                    if (ResultTable.BySite(rows, model, metric, dataset, split) is { } t) yield return t;
                continue;
            }
            foreach (var site in sites)
                foreach (var (dataset, split) in sets)
                    if (ResultTable.MethodByEdit(rows, model, site, metric, dataset, split) is { } t) yield return t;
        }
    }

    /// Each method's effect (edited minus unedited, paired interval) with its null rank, by edit, and
    /// the null itself: the 2.5 - 97.5 % range of the same edit's effect along N random bases.
    public static IEnumerable<ResultTable> NullTables(IReadOnlyList<ResultRow> pooled, string metric)
    {
        // The subsets' own prompts are one table each otherwise; their null ranks are in the rows.
        var ranked = pooled.Where(r => r.Metric == metric && r.NullN is not null && !PromptSubsets.IsSubsetSplit(r.Split)).ToList();
        foreach (var group in ranked.GroupBy(r => (r.Model, r.Site, r.Dataset, r.Split)))
        {
            var edits = group.Select(r => r.Edit).Distinct().ToList();
            var table = new List<IReadOnlyList<string>>();
            foreach (var method in group.Where(r => r.NullRank is not null).Select(r => r.Method).Distinct())
            {
                var cells = new List<string> { method };
                foreach (var e in edits)
                    cells.Add(group.FirstOrDefault(r => r.Method == method && r.Edit == e) is { NullRank: double rank } r
                        ? $"{ResultTable.Format(r.Effect!.Value)} [{ResultTable.Format(r.EffectCiLow!.Value)}, {ResultTable.Format(r.EffectCiHigh!.Value)}], rank {rank.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)}"
                        : "");
                table.Add(cells);
            }
            var source = group.FirstOrDefault(r => r.NullLow is not null);
            if (source is not null)
            {
                var cells = new List<string> { $"null: {source.Method}, {source.NullN} bases (2.5 - 97.5 %)" };
                foreach (var e in edits)
                    cells.Add(group.FirstOrDefault(r => r.NullLow is not null && r.Edit == e) is { } r
                        ? $"[{ResultTable.Format(r.NullLow!.Value)}, {ResultTable.Format(r.NullHigh!.Value)}]" : "");
                table.Add(cells);
            }
            yield return new ResultTable($"{metric} effect against the null on {group.Key.Dataset}/{group.Key.Split} ({RunFolder.Display(group.Key.Model)}, {group.Key.Site})",
                ["method", .. edits], table);
        }
    }

    private static string Utc(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// `gpt2` (hub commit 607a30d7838f), `gpt2-dropout` (organism, model.safetensors sha256 1a2b3c4d5e6f).
    private static string Describe(RunModel m)
    {
        var source = System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(m.Source.ToString());
        if (m.Revision is { } commit) return $"`{m.Name}` ({source}, commit {commit[..Math.Min(12, commit.Length)]})";
        var hashes = m.Weights.Where(w => w.Sha256 is not null).Select(w => $"{w.File} sha256 {w.Sha256![..12]}");
        return $"`{m.Name}` ({string.Join(", ", hashes.Prepend(source))})";
    }

    private static string Describe(MethodSpec m)
    {
        var options = m.Given.Count == 0 ? "" : " (" + string.Join(", ", m.Given.Select(kv => $"{kv.Key}={kv.Value}")) + ")";
        var concept = m.OwnConcept ? $" on {m.Concept.Dataset}" : "";
        return $"{m.Label}{(m.Label == m.Name ? "" : $" [{m.Name}]")}{options}{concept}";
    }
}
