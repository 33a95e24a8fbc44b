using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// ProbeSubspace: the probe's direction carries the concept but is not the only place it lives.
/// Per probe method: a probe retrained on the component along the direction alone ("keep") is above
/// chance, and one retrained after removing it (the "project" edit, else "erase") is still above
/// chance: each held-out accuracy's interval lies above the majority rate (no null: random
/// directions have no probe to beat). The unedited accuracy is listed beside them.
public sealed class ProbeSubspaceRule : IVerdictRule
{
    public string Name => "ProbeSubspace";
    public string Claim => "a probe retrained on the probe's direction alone, and one retrained after removing it, are both above chance";
    public RuleNeeds Needs => new() { Edits = [["project", "erase"]], Metrics = [MetricNames.ProbeAccuracy], Methods = [ProbeEraser.MethodName] };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var probes = q.Family(ProbeEraser.MethodName);
        if (probes.Count == 0) return Verdict.Missing("no probe method");
        var removal = q.Edit("project") ?? q.Edit("erase");
        if (removal is null) return Verdict.Missing("a project or erase edit");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var method in probes)
        {
            var dataset = q.ConceptOf(method);
            if (dataset is null) continue;
            var unedited = q.Row(MetricNames.ProbeAccuracy, ResultRow.None, ResultRow.None, dataset);
            var kept = q.Row(MetricNames.ProbeAccuracy, method, ResultRow.KeepEdit, dataset);
            var removed = q.Row(MetricNames.ProbeAccuracy, method, removal, dataset);
            var majority = q.Value(MetricNames.ProbeMajority, method, removal, dataset);
            if (unedited is null || kept is null || removed is null || majority is null)
                return Verdict.Missing($"probe_accuracy rows of {method} (unedited, keep, {removal})");
            Check AboveChance(ResultRow r, string what)
            {
                var c = MethodEvidence.Judge(r, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, majority.Value, MethodEvidence.MaxAccuracyWidth, needsNull: false);
                return c with { Line = $"{what}: {c.Line} (majority)" };
            }
            methods.Add(MethodVerdict.Of(method, [AboveChance(kept, "direction alone"), AboveChance(removed, $"after {removal}")]));
            evidence.Add($"{method}: retrained probe {F(unedited.Value)} [{F(unedited.CiLow)}, {F(unedited.CiHigh)}] unedited");
        }
        return Verdict.Of(ProbeEraser.MethodName, probes[0], methods, evidence);
    }
}
