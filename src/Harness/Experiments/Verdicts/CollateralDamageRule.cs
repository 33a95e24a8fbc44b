using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CollateralDamage: an edit along the concept direction damages text about the concept more than
/// unrelated text. Per method but random, for every edit: the KL damage at the last prompt position
/// on the concept's prompts exceeds that on the control prompts (dataset "controls", else the first
/// other evaluated dataset), and, when generation_divergence was measured, greedy generations
/// diverge earlier on the concept's prompts. The two datasets are different prompts, so each
/// comparison asks for disjoint intervals (MethodEvidence.Exceeds). The overall word is RLACE's.
public sealed class CollateralDamageRule : IVerdictRule
{
    public string Name => "CollateralDamage";
    public string Claim => "edits damage the concept's prompts more than control prompts (KL at the last position, first divergence): disjoint intervals";
    public RuleNeeds Needs => new() { Metrics = [MetricNames.KlDamage], Evaluated = 2 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var methods = new List<MethodVerdict>();
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && r.Split != ResultRow.TextSplit && !r.IsBaseline)
            .Select(r => r.Edit).Distinct().ToList();
        foreach (var m in q.Judged)
        {
            var concept = q.ConceptOf(m);
            if (concept is null) continue;
            var control = q.Datasets.Contains("controls") && concept != "controls" ? "controls" : q.Datasets.FirstOrDefault(d => d != concept);
            if (control is null) return Verdict.Missing("a control dataset among the evaluated ones");
            var checks = new List<Check>();
            foreach (var e in edits)
            {
                var klConcept = q.Row(MetricNames.KlDamage, m, e, concept);
                var klControl = q.Row(MetricNames.KlDamage, m, e, control);
                if (klConcept is null || klControl is null) continue;
                var kl = MethodEvidence.Exceeds(klConcept, concept, klControl, control);
                checks.Add(kl with { Line = $"{e}: {kl.Line}" });
                var gConcept = q.Row(MetricNames.GenerationDivergence, m, e, concept);
                var gControl = q.Row(MetricNames.GenerationDivergence, m, e, control);
                if (gConcept is not null && gControl is not null)
                {
                    // Earlier divergence on the concept's prompts: the control's first differing token comes later.
                    var g = MethodEvidence.Exceeds(gControl, control, gConcept, concept);
                    checks.Add(g with { Line = $"{e}: {g.Line}" });
                }
            }
            if (checks.Count > 0) methods.Add(MethodVerdict.Of(m, checks));
        }
        if (methods.Count == 0) return Verdict.Missing("kl_damage on the concept and a control dataset");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, []);
    }
}
