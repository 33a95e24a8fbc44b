using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Leace: LEACE, which provably removes all linear information, brings a retrained probe to chance
/// with no more collateral damage than RLACE and the probe, under the "erase" edit (each eraser as
/// fitted; else "project"). Per method but random: at chance when the retrained probe's held-out
/// accuracy has its interval reaching down to the majority rate (not distinguishable from a
/// constant predictor); no more damage when its KL at the last position on the control prompts
/// (else the concept's) is not above any other method's (disjoint intervals would show more
/// damage). The overall word is LEACE's; the bias after erasure is listed for all.
public sealed class LeaceRule : IVerdictRule
{
    public string Name => "Leace";
    public string Claim => "LEACE brings a retrained probe to chance (accuracy's interval reaches the majority rate) with no more damage than RLACE and the probe";
    public RuleNeeds Needs => new() { Edits = [["erase", "project"]], Metrics = [MetricNames.ProbeAccuracy], Methods = [LeaceEraser.Name] };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edit = q.Edit("erase") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no erase or project edit");
        var leace = q.Family(LeaceEraser.Name).FirstOrDefault();
        if (leace is null) return Verdict.Missing("no leace method");
        var dataset = q.ConceptOf(leace);
        if (dataset is null) return Verdict.Missing("the directions row of leace");
        var damageSet = q.Datasets.Contains("controls") ? "controls" : dataset;
        var judged = q.Methods.Where(m => !q.IsRandom(m) && q.ConceptOf(m) == dataset).ToList();
        var kls = judged.ToDictionary(m => m, m => q.Row(MetricNames.KlDamage, m, edit, damageSet));
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in judged)
        {
            var acc = q.Row(MetricNames.ProbeAccuracy, m, edit, dataset);
            var majority = q.Value(MetricNames.ProbeMajority, m, edit, dataset);
            if (acc is null || majority is null) return Verdict.Missing($"probe_accuracy of {m}");
            // At chance = the claim "above chance" refuted at the interval's level: not wholly above.
            var above = MethodEvidence.Judge(acc, MethodEvidence.Quantity.Value, MethodEvidence.Side.Above, majority.Value, MethodEvidence.MaxAccuracyWidth, needsNull: false);
            var checks = new List<Check> { above.Negated($"at chance: {above.Line} (majority)") };
            if (kls[m] is { } kl)
                foreach (var (other, otherKl) in kls)
                    if (other != m && otherKl is not null)
                    {
                        var more = MethodEvidence.Exceeds(kl, m, otherKl, other);
                        checks.Add(more.Negated($"KL on {damageSet}: {more.Line}"));
                    }
            methods.Add(MethodVerdict.Of(m, checks));
            evidence.Add($"{m} {edit}: bias {F(q.Baseline(MetricNames.PronounBias, dataset))} -> {F(q.Value(MetricNames.PronounBias, m, edit, dataset))}");
        }
        return Verdict.Of(LeaceEraser.Name, leace, methods, evidence);
    }
}
