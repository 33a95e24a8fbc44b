using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CollateralDamage: an edit along the concept direction damages text about the concept more than
/// unrelated text. For every method but random and every edit, the KL damage at the last prompt
/// position on the concept's prompts must exceed that on the control prompts (dataset "controls",
/// else the first other evaluated dataset), and, when generation_divergence was measured, greedy
/// generations must diverge earlier on the concept's prompts.
public sealed class CollateralDamageRule : IVerdictRule
{
    public string Name => "CollateralDamage";
    public string Claim => "edits damage the concept's text more than control text (KL at the last position, first divergence)";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var checks = new List<bool>();
        var evidence = new List<string>();
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && r.Split != ResultRow.TextSplit && !r.IsBaseline)
            .Select(r => r.Edit).Distinct().ToList();
        foreach (var m in q.Methods.Where(m => !IsFamily(m, "random")))
        {
            var concept = q.ConceptOf(m);
            if (concept is null) continue;
            var control = q.Datasets.Contains("controls") && concept != "controls" ? "controls" : q.Datasets.FirstOrDefault(d => d != concept);
            if (control is null) return Verdict.Missing("a control dataset among the evaluated ones");
            foreach (var e in edits)
            {
                var klConcept = q.Value(MetricNames.KlDamage, m, e, concept);
                var klControl = q.Value(MetricNames.KlDamage, m, e, control);
                if (klConcept is null || klControl is null) continue;
                checks.Add(klConcept > klControl);
                var line = $"{m} {e}: KL {F(klConcept)} on {concept} vs {F(klControl)} on {control}";
                var gConcept = q.Value(MetricNames.GenerationDivergence, m, e, concept);
                var gControl = q.Value(MetricNames.GenerationDivergence, m, e, control);
                if (gConcept is not null && gControl is not null)
                {
                    checks.Add(gConcept < gControl);
                    line += $"; first divergence at {F(gConcept)} vs {F(gControl)}";
                }
                evidence.Add(line);
            }
        }
        if (checks.Count == 0) return Verdict.Missing("kl_damage on the concept and a control dataset");
        evidence.Add($"{checks.Count(c => c)} of {checks.Count} comparisons favour the hypothesis");
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
