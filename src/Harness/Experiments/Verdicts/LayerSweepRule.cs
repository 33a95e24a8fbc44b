using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// LayerSweep: at every layer, a negative intervention along the concept direction ("reflect", else
/// "project") lowers the bias by more than Margin and a positive one ("amplify") does not lower it
/// by more than Margin. Checked for RLACE and the probe (else every method but random) at every
/// swept site; the evidence lists the numbers per site and the site where the negative
/// intervention does most.
public sealed class LayerSweepRule : IVerdictRule
{
    public const double Margin = 0.02;

    public string Name => "LayerSweep";
    public string Claim => "at every layer the negative intervention lowers the bias and the positive one does not";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var first = new ResultQuery(rows);
        var negative = first.Edit("reflect") ?? first.Edit("project");
        var positive = first.Edit("amplify");
        if (negative is null) return Verdict.Missing("no reflect or project edit");
        var checks = new List<bool>();
        var evidence = new List<string>();
        (string Site, string Method, double Drop)? best = null;
        foreach (var site in first.Sites)
        {
            var q = first.At(site);
            foreach (var m in q.Preferred(["rlace", "probe"], "random"))
            {
                var d = q.ConceptOf(m);
                if (d is null) continue;
                var before = q.Baseline(MetricNames.PronounBias, d);
                var neg = q.Value(MetricNames.PronounBias, m, negative, d);
                var pos = positive is null ? null : q.Value(MetricNames.PronounBias, m, positive, d);
                if (before is null || neg is null) continue;
                bool lowers = neg < before - Margin;
                bool keeps = pos is null || pos >= before - Margin;
                checks.Add(lowers && keeps);
                evidence.Add($"{site} {m}: {F(before)} -> {F(neg)} ({negative}){(pos is null ? "" : $", {F(pos)} ({positive})")}");
                double drop = before.Value - neg.Value;
                if (best is null || drop > best.Value.Drop) best = (site, m, drop);
            }
        }
        if (checks.Count == 0) return Verdict.Missing("pronoun_bias per site");
        evidence.Add($"largest drop {F(best!.Value.Drop)} at {best.Value.Site} ({best.Value.Method}); {checks.Count(c => c)} of {checks.Count} site-method pairs behave as claimed");
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
