using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// BreakVsEdit, Neel: "it's easier to break models than to insert/edit a concept ... your second
/// method will damage model performance in general more, even on non-gender-y tasks". Projecting the
/// direction out removes what it carries (a break); reflecting it writes the other value in (an
/// edit). Damage is read per unit of what the edit does to the concept, kl_damage_per_bias_change:
/// mean KL on a dataset other than the concept (prompts and text) / |effect on the concept's bias|.
///
/// Per method (but random and adversarial), on every other dataset and split with both rows:
/// the reflection's damage per unit of bias change exceeds the projection's (disjoint intervals:
/// the two are measured on the same prompts but are ratios with their own resamples, so the
/// conservative test). A method whose edit does not move the bias beyond the null of random
/// directions (null_rank <= 0.05) is inconclusive there: damage per unit of no change says nothing.
/// Beside it, not deciding: each method's damage per unit of bias change against that of the
/// `adversarial` direction learned to flip the concept (a direction found only to break it) for the
/// same edit. The overall word is RLACE's.
public sealed class BreakVsEditRule : IVerdictRule
{
    public string Name => "BreakVsEdit";
    public string Claim => "per unit of bias change, reflecting (editing the concept) damages other prompts and text more than projecting out (breaking it): disjoint intervals, both edits beyond the null";
    public RuleNeeds Needs => new()
    {
        Edits = [["project"], ["reflect"]],
        Metrics = [MetricNames.PronounBias, MetricNames.KlDamage, MetricNames.KlPerBiasChange],
        Null = true,
        Evaluated = 2,
    };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var project = q.Edit("project");
        var reflect = q.Edit("reflect");
        if (project is null || reflect is null) return Verdict.Missing("a project and a reflect edit");
        var adversarial = q.Family(AdversarialDirection.Name).FirstOrDefault();
        var places = rows.Where(r => r.Model == q.Model && r.Site == q.Site && r.Metric == MetricNames.KlPerBiasChange)
            .Select(r => (r.Dataset, r.Split)).Distinct().ToList();
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in q.Judged.Where(m => m != adversarial))
        {
            var concept = q.ConceptOf(m);
            if (concept is null) continue;
            var moved = new[] { project, reflect }.Select(e => (Edit: e, Check: BiasMoves(q, m, e, concept))).ToList();
            var checks = moved.Where(x => x.Check.Word != Verdict.Supported).Select(x => x.Check with { Word = Verdict.Inconclusive, Line = $"{x.Edit}: {x.Check.Line}" }).ToList();
            bool bothMove = checks.Count == 0;
            foreach (var (dataset, split) in places.Where(p => p.Dataset != concept))
            {
                var r = q.Row(MetricNames.KlPerBiasChange, m, reflect, dataset, split);
                var p = q.Row(MetricNames.KlPerBiasChange, m, project, dataset, split);
                if (r is null || p is null) continue;
                if (bothMove)
                {
                    var more = MethodEvidence.Exceeds(r, reflect, p, project);
                    checks.Add(more with { Line = $"{dataset}/{split}: {more.Line}" });
                }
                if (adversarial is null) continue;
                foreach (var e in new[] { project, reflect })
                    if (q.Row(MetricNames.KlPerBiasChange, m, e, dataset, split) is { } mine && q.Row(MetricNames.KlPerBiasChange, adversarial, e, dataset, split) is { } broken)
                        evidence.Add($"{m} vs {adversarial}, {e}, {dataset}/{split}: {Compare(mine, m, broken, adversarial)}");
            }
            if (checks.Count > 0) methods.Add(MethodVerdict.Of(m, checks));
        }
        if (methods.Count == 0) return Verdict.Missing($"{MetricNames.KlPerBiasChange} of a method under both edits on a dataset other than its concept");
        if (adversarial is not null)
            foreach (var e in new[] { project, reflect })
                if (q.ConceptOf(adversarial) is { } c && q.Row(MetricNames.PronounBias, adversarial, e, c) is { Effect: double effect } row)
                    evidence.Add($"{adversarial} (learned to flip {c}) {e}: bias effect {F(effect)} [{F(row.EffectCiLow)}, {F(row.EffectCiHigh)}]");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }

    /// Whether an edit moves the concept's bias beyond the null (either way).
    private static Check BiasMoves(ResultQuery q, string method, string edit, string concept) =>
        q.Row(MetricNames.PronounBias, method, edit, concept) is { } row
            ? MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Away, 0, double.PositiveInfinity)
            : new Check(Verdict.Inconclusive, $"no pronoun_bias of {method} on {concept}");

    /// "0.0012 [0.0009, 0.0016] > 0.0003 [...]": which of two ratios is larger, by disjoint intervals.
    private static string Compare(ResultRow a, string aName, ResultRow b, string bName)
    {
        if (MethodEvidence.Exceeds(a, aName, b, bName) is { Word: Verdict.Supported } above) return above.Line;
        var below = MethodEvidence.Exceeds(b, bName, a, aName);
        return below.Word == Verdict.Supported ? below.Line : $"{a.Metric} {F(a.Value)} [{F(a.CiLow)}, {F(a.CiHigh)}] on {aName}, {F(b.Value)} [{F(b.CiLow)}, {F(b.CiHigh)}] on {bName}: intervals overlap";
    }
}
