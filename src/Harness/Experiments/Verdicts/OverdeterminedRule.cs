using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Overdetermined: gender is encoded by many correlated features, so one direction is not enough:
/// a retrained probe stays above chance until several INLP directions are gone. The spec runs INLP
/// with growing iteration budgets (1, 2, 4, 8, 16, ...); each run's "directions" row says how many
/// directions it actually removed. Per run, under the "erase" edit (else "project"): the retrained
/// probe's held-out accuracy has its interval above the majority rate (still above chance after
/// that many directions; no null: random directions have no probe to beat). The overall word is
/// that of the run removing the fewest directions (one, in the shipped spec): the claim is that one
/// direction is not enough. The evidence says after how many directions the probe first reaches
/// chance and the bias first halves.
public sealed class OverdeterminedRule : IVerdictRule
{
    public string Name => "Overdetermined";
    public string Claim => "a retrained probe stays above chance (accuracy's interval above the majority rate) after one INLP direction is removed";
    public RuleNeeds Needs => new() { Edits = [["erase", "project"]], Metrics = [MetricNames.ProbeAccuracy], Methods = [InlpEraser.MethodName] };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edit = q.Edit("erase") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no erase or project edit");
        var runs = q.Family(InlpEraser.MethodName)
            .Select(m => (Method: m, Dataset: q.ConceptOf(m), Directions: q.ConceptOf(m) is { } d ? q.Value(MetricNames.Directions, m, ResultRow.FitEdit, d, "train") : null))
            .Where(r => r.Dataset is not null && r.Directions is not null)
            .OrderBy(r => r.Directions).ToList();
        if (runs.Count == 0) return Verdict.Missing("no inlp method with a directions row");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        int? probeAtChance = null, biasHalved = null;
        foreach (var (m, dataset, directions) in runs)
        {
            int k = (int)directions!.Value;
            var acc = q.Row(MetricNames.ProbeAccuracy, m, edit, dataset!);
            var majority = q.Value(MetricNames.ProbeMajority, m, edit, dataset!);
            var before = q.Baseline(MetricNames.PronounBias, dataset!);
            var bias = q.Value(MetricNames.PronounBias, m, edit, dataset!);
            if (acc is null || majority is null) return Verdict.Missing($"probe_accuracy of {m}");
            var check = MethodEvidence.Judge(acc, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, majority.Value, MethodEvidence.MaxAccuracyWidth, needsNull: false);
            methods.Add(MethodVerdict.Of(m, [check with { Line = $"{k} direction(s): {check.Line} (majority)" }]));
            evidence.Add($"{k} direction(s) ({m}): bias {F(before)} -> {F(bias)}");
            if (probeAtChance is null && check.Word == Verdict.NotSupported) probeAtChance = k;
            if (biasHalved is null && before is not null && bias is not null && bias <= before / 2) biasHalved = k;
        }
        int most = (int)runs[^1].Directions!.Value;
        evidence.Add($"probe at chance after {(probeAtChance is null ? $"more than {most}" : probeAtChance.ToString())} direction(s); bias halved after {(biasHalved is null ? $"more than {most}" : biasHalved.ToString())}");
        return Verdict.Of($"{runs[0].Method} (the fewest directions)", runs[0].Method, methods, evidence);
    }
}
