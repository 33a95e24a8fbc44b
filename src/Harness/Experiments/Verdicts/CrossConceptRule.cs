using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CrossConcept: a concept's direction is specific to it: an edit along the gender direction
/// changes the gender bias much more than the politics bias, and vice versa. For every method
/// fitted on one concept and every other evaluated concept dataset, under the first edit of
/// "reflect", "project" (in that order), |bias change| on its own prompts must exceed Factor times
/// that on the other concept's prompts.
public sealed class CrossConceptRule : IVerdictRule
{
    public const double Factor = 2;

    public string Name => "CrossConcept";
    public string Claim => "an edit along one concept's direction changes its own bias at least twice as much as another concept's";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("reflect") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no reflect or project edit");
        var concepts = q.Methods.Select(q.ConceptOf).OfType<string>().Distinct().ToList();
        if (concepts.Count < 2) return Verdict.Missing($"methods fitted on two concepts, got {string.Join(", ", concepts)}");
        double? Change(string m, string d) =>
            q.Value(MetricNames.PronounBias, m, edit, d) - q.Baseline(MetricNames.PronounBias, d);
        var checks = new List<bool>();
        var evidence = new List<string>();
        foreach (var m in q.Methods.Where(m => !IsFamily(m, "random")))
        {
            var own = q.ConceptOf(m);
            if (own is null) continue;
            foreach (var other in concepts.Where(c => c != own && q.Datasets.Contains(c)))
            {
                var cOwn = Change(m, own);
                var cOther = Change(m, other);
                if (cOwn is null || cOther is null) continue;
                bool specific = Math.Abs(cOwn.Value) > Factor * Math.Abs(cOther.Value);
                checks.Add(specific);
                evidence.Add($"{m} {edit}: bias change {F(cOwn)} on {own} vs {F(cOther)} on {other}{(specific ? "" : " (not specific)")}");
            }
        }
        if (checks.Count == 0) return Verdict.Missing("pronoun_bias of each concept's methods on the other concept's prompts");
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
