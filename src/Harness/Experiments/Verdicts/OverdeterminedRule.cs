using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Overdetermined: gender is encoded by many correlated features, so one direction is not enough:
/// a retrained probe stays above chance, and the bias stays, until several INLP directions are
/// gone. The spec runs INLP with growing iteration budgets (1, 2, 4, 8, 16, ...); each run's
/// "directions" row says how many directions it actually removed. The rule finds the fewest removed
/// directions at which a retrained probe is at chance (accuracy <= majority + ChanceMargin) and at
/// which the bias has halved, under the "erase" edit (else "project"). Supported when the probe
/// needs more than one direction to reach chance (or never does); not supported when one suffices.
public sealed class OverdeterminedRule : IVerdictRule
{
    public const double ChanceMargin = 0.05;

    public string Name => "Overdetermined";
    public string Claim => "more than one INLP direction must go before a retrained probe is at chance";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("erase") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no erase or project edit");
        var runs = q.Family("inlp")
            .Select(m => (Method: m, Dataset: q.ConceptOf(m), Directions: q.ConceptOf(m) is { } d ? q.Value(MetricNames.Directions, m, ResultRow.FitEdit, d, "train") : null))
            .Where(r => r.Dataset is not null && r.Directions is not null)
            .OrderBy(r => r.Directions).ToList();
        if (runs.Count == 0) return Verdict.Missing("no inlp method with a directions row");
        var evidence = new List<string>();
        int? probeAtChance = null, biasHalved = null;
        foreach (var (m, dataset, directions) in runs)
        {
            int k = (int)directions!.Value;
            var acc = q.Value(MetricNames.ProbeAccuracy, m, edit, dataset!);
            var majority = q.Value(MetricNames.ProbeMajority, m, edit, dataset!);
            var before = q.Baseline(MetricNames.PronounBias, dataset!);
            var bias = q.Value(MetricNames.PronounBias, m, edit, dataset!);
            if (acc is null || majority is null) return Verdict.Missing($"probe_accuracy of {m}");
            evidence.Add($"{k} direction(s) ({m}): probe {F(acc)} (majority {F(majority)}), bias {F(before)} -> {F(bias)}");
            if (probeAtChance is null && acc <= majority + ChanceMargin) probeAtChance = k;
            if (biasHalved is null && before is not null && bias is not null && bias <= before / 2) biasHalved = k;
        }
        int most = (int)runs[^1].Directions!.Value;
        evidence.Add($"probe at chance after {(probeAtChance is null ? $"more than {most}" : probeAtChance.ToString())} direction(s); bias halved after {(biasHalved is null ? $"more than {most}" : biasHalved.ToString())}");
        return new Verdict(probeAtChance is 1 ? Verdict.NotSupported : Verdict.Supported, evidence);
    }
}
