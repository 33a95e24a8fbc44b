using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CrossConcept: "the model edited for gender produced weird results" on political prompts (Fabien):
/// a claim about damage, not about bias. Per method fitted on one concept and per edit of kind
/// reflect or project, on every other evaluated concept dataset (for gender: politics; a dataset
/// named `<concept>-<cut>`, such as a person-free politics, counts as its concept's), two checks:
///   - the KL(unedited || edited) at the last prompt position is above 0 and beats the null of random
///     directions (null_rank <= 0.05; the spec's random method draws it with null_metrics "prompt");
///   - it exceeds the same edit's KL on the control prompts (disjoint intervals): damage aimed at the
///     other concept, not damage everywhere.
/// Evidence, not deciding: the edit's effect on its own concept's bias, and generation divergence on
/// each dataset beside the controls'. The overall word is RLACE's when it ran, else the methods'.
public sealed class CrossConceptRule : IVerdictRule
{
    public const string Controls = "controls";

    public string Name => "CrossConcept";
    public string Claim => "an edit along one concept's direction damages another concept's prompts: KL there beyond the null of random directions and above the KL on control prompts (disjoint intervals)";
    public RuleNeeds Needs => new() { Edits = [["reflect", "project"]], Metrics = [MetricNames.KlDamage], Null = true, Concepts = 2, Evaluated = 3 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edits = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && !r.IsBaseline
            && (labels.IsKind(r.Edit, "reflect") || labels.IsKind(r.Edit, "project"))).Select(r => r.Edit).Distinct().ToList();
        if (edits.Count == 0) return Verdict.Missing("kl_damage under a reflect or project edit");
        var datasets = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlDamage && r.Split == "test")
            .Select(r => r.Dataset).Distinct().ToList();
        if (!datasets.Contains(Controls)) return Verdict.Missing($"kl_damage on the {Controls} prompts");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in q.Judged)
        {
            var own = q.ConceptOf(m);
            if (own is null || q.Row(MetricNames.KlDamage, m, edits[0], own) is null) continue;
            var checks = new List<Check>();
            foreach (var e in edits)
            {
                if (q.Row(MetricNames.KlDamage, m, e, Controls) is not { } control) continue;
                foreach (var other in datasets.Where(d => d != own && d != Controls && !IsFamily(d, own)))
                {
                    if (q.Row(MetricNames.KlDamage, m, e, other) is not { } kl) continue;
                    var beyond = MethodEvidence.Judge(kl, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Above, 0, MethodEvidence.MaxAccuracyWidth);
                    checks.Add(beyond with { Line = $"{e} on {other}: kl_damage {beyond.Line}" });
                    var aimed = MethodEvidence.Exceeds(kl, other, control, Controls);
                    checks.Add(aimed with { Line = $"{e}: {aimed.Line}" });
                    if (q.Row(MetricNames.GenerationDivergence, m, e, other) is { } g && q.Row(MetricNames.GenerationDivergence, m, e, Controls) is { } gc)
                        evidence.Add($"{m} {e}: generation_divergence {F(g.Value)} [{F(g.CiLow)}, {F(g.CiHigh)}] on {other}, {F(gc.Value)} [{F(gc.CiLow)}, {F(gc.CiHigh)}] on {Controls} (index of the first differing token: lower diverges sooner)");
                }
                if (q.Row(MetricNames.PronounBias, m, e, own) is { Effect: double shift } bias)
                    evidence.Add($"{m} {e}: own concept {own} pronoun_bias effect {F(shift)} [{F(bias.EffectCiLow)}, {F(bias.EffectCiHigh)}], null rank {F(bias.NullRank)}");
            }
            if (checks.Count > 0) methods.Add(MethodVerdict.Of(m, checks));
        }
        if (methods.Count == 0) return Verdict.Missing("kl_damage of each concept's methods on another concept's prompts and on the controls");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }

    /// A dataset of the same concept under another cut ("politics-noperson" for "politics").
    private static bool IsFamily(string dataset, string concept) => dataset.StartsWith(concept + "-", StringComparison.Ordinal);
}
