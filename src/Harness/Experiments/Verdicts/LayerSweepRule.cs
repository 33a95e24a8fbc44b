using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// LayerSweep: at every layer, a negative intervention along the concept direction ("reflect", else
/// "project") lowers the bias and a positive one ("amplify") does not. Per method but random, at
/// every swept site: the negative edit's effect has its interval below 0 and beats the null; the
/// positive edit's effect does not have its interval wholly below 0. A method is supported when
/// this holds at every site (the claim says every layer). The overall word is RLACE's; the evidence
/// names the site where the negative intervention does most.
///
/// AlterRep (Ravfogel et al. 2021: the positive and the negative counterfactual, every prompt pushed
/// to one side of the classifiers, then to the other), where the spec has both signs: at every
/// site, each sign lowers the bias of exactly one label's prompts (the per-label effect's interval
/// below 0, beyond the null of random subspaces of the method's rank) and the two signs lower
/// different labels: pushed to the other label's side, a prompt's answer follows; pushed to its own,
/// it does not fall. The classifier's orientation is arbitrary, so the rule names the labels each
/// sign lowers rather than assuming which side is which.
public sealed class LayerSweepRule : IVerdictRule
{
    public string Name => "LayerSweep";
    public string Claim => "at every layer the negative intervention lowers the bias (effect below 0, beyond the null) and the positive one does not";
    public RuleNeeds Needs => new() { Edits = [["reflect", "project"]], Metrics = [MetricNames.PronounBias], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var first = new ResultQuery(rows, labels);
        var negative = first.Edit("reflect") ?? first.Edit("project");
        var positive = first.Edit("amplify");
        if (negative is null) return Verdict.Missing("no reflect or project edit");
        var checks = new Dictionary<string, List<Check>>();
        (string Site, string Method, double Effect)? best = null;
        foreach (var site in first.Sites)
        {
            var q = first.At(site);
            foreach (var m in q.Judged)
            {
                var d = q.ConceptOf(m);
                if (d is null || q.Row(MetricNames.PronounBias, m, negative, d) is not { } neg) continue;
                var list = checks.TryGetValue(m, out var l) ? l : checks[m] = [];
                var n = MethodEvidence.Judge(neg, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth);
                list.Add(n with { Line = $"{site} {negative}: {n.Line}" });
                if (positive is not null && q.Row(MetricNames.PronounBias, m, positive, d) is { } pos)
                {
                    // "Does not lower": refuted only by an interval wholly below 0.
                    var below = MethodEvidence.Judge(pos, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth, needsNull: false);
                    list.Add(below.Negated($"{site} {positive}: {below.Line}"));
                }
                if (AlterRep(q, m, d) is { } alter) list.Add(alter with { Line = $"{site} {alter.Line}" });
                if (neg.Effect is double e && (best is null || e < best.Value.Effect)) best = (site, m, e);
            }
        }
        if (checks.Count == 0) return Verdict.Missing("pronoun_bias per site");
        var methods = checks.Select(kv => MethodVerdict.Of(kv.Key, kv.Value)).ToList();
        return Verdict.Of(RlaceEraser.MethodName, first.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, [$"largest drop under {negative}: effect {F(best!.Value.Effect)} at {best.Value.Site} ({best.Value.Method})"]);
    }

    /// The AlterRep check of a method at one site, or null when the spec has not both signs.
    private static Check? AlterRep(ResultQuery q, string method, string dataset)
    {
        var edits = q.Labels.EditKinds.Where(e => e.Value == "alterrep").Select(e => e.Key).ToList();
        var labels = q.LabelsOf(MetricNames.PronounBias, dataset);
        if (edits.Count < 2 || labels.Count < 2) return null;
        var lowered = new List<(string Edit, List<string> Labels, string Line)>();
        foreach (var e in edits.Take(2))
        {
            var mine = new List<string>();
            var parts = new List<string>();
            foreach (var label in labels)
            {
                if (q.LabelRow(MetricNames.PronounBias, method, e, dataset, label) is not { } row) return null;
                var below = MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth);
                if (below.Word == Verdict.Supported) mine.Add(label);
                parts.Add($"{label} {below.Line}");
            }
            lowered.Add((e, mine, string.Join(", ", parts)));
        }
        bool each = lowered.All(x => x.Labels.Count == 1);
        bool apart = each && lowered[0].Labels[0] != lowered[1].Labels[0];
        string Lowers((string Edit, List<string> Labels, string Line) x) =>
            $"{x.Edit} lowers {(x.Labels.Count == 0 ? "no label" : string.Join(" and ", x.Labels))} ({x.Line})";
        return new Check(apart ? Verdict.Supported : Verdict.NotSupported,
            $"{Lowers(lowered[0])}; {Lowers(lowered[1])}{(apart ? "" : each ? ": the same label" : "")}");
    }
}
