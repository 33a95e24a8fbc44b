using Harness.Erasure;
using Harness.Experiments.Evidence;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Overdetermined (Neel: gender is "a pretty obvious thing, that's fairly overdetermined"): the
/// model's answer does not rest on one direction, so removing one leaves most of the bias standing,
/// and it takes many directions before the bias halves. A claim about behaviour, so it is judged on
/// the pronoun bias, not on a probe: per method (LEACE, INLP with k iterations, RLACE of rank k,
/// ...), on every model of the run, under "erase" (else "project"), the effect on the concept's
/// pooled bias has its interval wholly above -before / 2 (the bias keeps more than half of its
/// unedited value). "Does not halve" needs no null; each effect's null rank (random subspaces of
/// the method's rank, as the spec draws them) is in the line. A method is supported when no model's
/// bias halves. The overall word is LEACE's, the rank-1 reference (after it no linear probe beats
/// chance), else the method with the fewest directions'.
///
/// Evidence, per model: for each dataset and cue group (gender-cues: 1, 2, 3 agreeing cues,
/// conflicting), the fewest directions of each method family whose edit halves the bias (the
/// effect's interval wholly below -before / 2); and where the spec retrains probes, the linear and
/// the MLP probe's held-out accuracy after each method beside the majority rate: what the erasure
/// leaves recoverable, linearly and not.
public sealed class OverdeterminedRule : IVerdictRule
{
    public string Name => "Overdetermined";
    public string Claim => "removing one direction (LEACE, the rank-1 reference) leaves more than half of the bias: the effect's interval above -before/2 on every model";
    public RuleNeeds Needs => new() { Edits = [["erase", "project"]], Metrics = [MetricNames.PronounBias] };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var all = new ResultQuery(rows, labels);
        var checks = new Dictionary<string, List<Check>>();
        var directions = new Dictionary<string, int>();
        var evidence = new List<string>();
        foreach (var model in all.Models)
        {
            var q = all.For(model);
            var edit = q.Edit("erase") ?? q.Edit("project");
            if (edit is null) return Verdict.Missing("no erase or project edit");
            var methods = new List<(string Method, string Family, int K, string Concept)>();
            foreach (var m in q.Judged)
            {
                var concept = q.ConceptOf(m);
                var k = concept is null ? null : q.Value(MetricNames.Directions, m, ResultRow.FitEdit, concept, "train");
                if (concept is null || k is null) continue;
                methods.Add((m, labels.Method(m)!.Name, (int)k.Value, concept));
                directions[m] = (int)k.Value;
            }
            if (methods.Count == 0) return Verdict.Missing($"no fitted method with a directions row for {model}");
            foreach (var (m, _, k, concept) in methods)
            {
                var row = q.Row(MetricNames.PronounBias, m, edit, concept);
                var before = q.Baseline(MetricNames.PronounBias, concept);
                if (row is null || before is null) return Verdict.Missing($"pronoun_bias of {m} on {concept} for {model}");
                var kept = MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Above, -before.Value / 2, MethodEvidence.MaxBiasWidth, needsNull: false);
                var rank = row.NullRank is double r ? $"; null rank {F(r)} of {row.NullN}" : "";
                (checks.TryGetValue(m, out var list) ? list : checks[m] = []).Add(kept with
                {
                    Line = $"{model}, {k} direction(s): bias {F(before)} -> {F(row.Value)}, {kept.Line} (half the bias){rank}",
                });
            }
            foreach (var dataset in q.Datasets)
                foreach (var group in Groups(q, dataset))
                    evidence.Add($"{model}: {dataset}{(group is null ? "" : " " + group)} (bias {F(Bias(q, ResultRow.None, ResultRow.None, dataset, group)?.Value)}): fewest directions halving the bias: "
                        + string.Join(", ", methods.GroupBy(x => x.Family).Select(f => $"{f.Key} {Fewest(q, f.ToList(), edit, dataset, group)}")));
            if (Probes(q, methods, edit) is { } probes) evidence.Add($"{model}: {probes}");
        }
        if (checks.Count == 0) return Verdict.Missing("pronoun_bias per method");
        var verdicts = checks.Select(kv => MethodVerdict.Of(kv.Key, kv.Value)).ToList();
        var subject = checks.Keys.FirstOrDefault(m => labels.Is(m, LeaceEraser.Name))
            ?? checks.Keys.OrderBy(m => directions.GetValueOrDefault(m, int.MaxValue)).First();
        return Verdict.Of($"{LeaceEraser.Name} (the rank-1 reference)", subject, verdicts, evidence);
    }

    /// The pooled rows (null) and, where the dataset has them, the rows of each cue group.
    private static IEnumerable<string?> Groups(ResultQuery q, string dataset) =>
        new string?[] { null }.Concat(q.LabelsOf(MetricNames.PronounBias, dataset).Where(EvidenceRows.IsGroupLabel).Order(StringComparer.Ordinal));

    private static ResultRow? Bias(ResultQuery q, string method, string edit, string dataset, string? group) =>
        group is null ? q.Row(MetricNames.PronounBias, method, edit, dataset) : q.LabelRow(MetricNames.PronounBias, method, edit, dataset, group);

    /// "4 of 1, 4, 16": the fewest directions of the family whose effect's interval lies wholly
    /// below -before / 2, or "none of 1, 4, 16" (with "?" for runs whose interval straddles it).
    private static string Fewest(ResultQuery q, IReadOnlyList<(string Method, string Family, int K, string Concept)> family, string edit, string dataset, string? group)
    {
        var before = Bias(q, ResultRow.None, ResultRow.None, dataset, group)?.Value;
        var tried = new List<string>();
        int? halved = null;
        foreach (var (m, _, k, _) in family.OrderBy(x => x.K))
        {
            var row = Bias(q, m, edit, dataset, group);
            bool below = before is not null && row?.EffectCiHigh < -before.Value / 2;
            bool straddles = before is not null && !below && row?.EffectCiLow < -before.Value / 2;
            tried.Add(straddles ? $"{k}?" : k.ToString());
            if (below && halved is null) halved = k;
        }
        return $"{(halved is null ? "none" : halved.ToString())} of {string.Join("/", tried)}";
    }

    /// "after leace: probe 0.503 [0.49, 0.51], mlp 0.61 [0.60, 0.63] (majority 0.503); ...", or
    /// null without probe rows.
    private static string? Probes(ResultQuery q, IReadOnlyList<(string Method, string Family, int K, string Concept)> methods, string edit)
    {
        string? Show(string metric, string method, string e, string concept) =>
            q.Row(metric, method, e, concept) is { } r ? $"{(metric == MetricNames.MlpProbeAccuracy ? "mlp" : "linear")} {F(r.Value)} [{F(r.CiLow)}, {F(r.CiHigh)}]" : null;
        var parts = new List<string>();
        foreach (var (m, e, concept) in new[] { (ResultRow.None, ResultRow.None, methods[0].Concept) }.Concat(methods.Select(x => (x.Method, edit, x.Concept))))
        {
            var shown = new[] { MetricNames.ProbeAccuracy, MetricNames.MlpProbeAccuracy }.Select(metric => Show(metric, m, e, concept)).OfType<string>().ToList();
            if (shown.Count == 0) continue;
            var majority = q.Value(MetricNames.ProbeMajority, m, e, concept);
            parts.Add($"{(m == ResultRow.None ? "unedited" : "after " + m)}: {string.Join(", ", shown)}{(majority is null ? "" : $" (majority {F(majority)})")}");
        }
        return parts.Count == 0 ? null : "retrained probes' held-out accuracy, " + string.Join("; ", parts);
    }
}
