using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Leace: LEACE, which provably removes all linear information, brings a retrained probe to chance
/// (accuracy <= majority + ChanceMargin) with no more collateral damage than RLACE and the probe
/// (KL at the last position on the control prompts, else on the concept's prompts), under the
/// "erase" edit (each eraser as fitted; else "project"). The bias after erasure is reported for all.
public sealed class LeaceRule : IVerdictRule
{
    public const double ChanceMargin = 0.05;

    public string Name => "Leace";
    public string Claim => "LEACE brings a retrained probe to chance with no more damage than RLACE and the probe";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("erase") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no erase or project edit");
        var leace = q.Family("leace").FirstOrDefault();
        if (leace is null) return Verdict.Missing("no leace method");
        var others = q.Preferred(["rlace", "probe"], "random", "leace");
        var dataset = q.ConceptOf(leace);
        if (dataset is null) return Verdict.Missing("the directions row of leace");
        var damageSet = q.Datasets.Contains("controls") ? "controls" : dataset;
        var evidence = new List<string>();
        (double? Acc, double? Majority, double? Kl) Measure(string m)
        {
            var acc = q.Value(MetricNames.ProbeAccuracy, m, edit, dataset);
            var maj = q.Value(MetricNames.ProbeMajority, m, edit, dataset);
            var kl = q.Value(MetricNames.KlDamage, m, edit, damageSet);
            var bias = q.Value(MetricNames.PronounBias, m, edit, dataset);
            evidence.Add($"{m} {edit}: bias {F(q.Baseline(MetricNames.PronounBias, dataset))} -> {F(bias)}, retrained probe {F(acc)} (majority {F(maj)}), KL on {damageSet} {F(kl)}");
            return (acc, maj, kl);
        }
        var l = Measure(leace);
        var rest = others.Select(Measure).ToList();
        if (l.Acc is null || l.Majority is null) return Verdict.Missing($"probe_accuracy of {leace}");
        var checks = new List<bool> { l.Acc <= l.Majority + ChanceMargin };
        var otherKl = rest.Select(r => r.Kl).OfType<double>().ToList();
        if (l.Kl is not null && otherKl.Count > 0) checks.Add(l.Kl <= otherKl.Min() + 1e-6);
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
