using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// CrossConcept: a concept's direction is specific to it: an edit along the gender direction
/// changes the gender bias more than the politics bias, and vice versa. Per method fitted on one
/// concept, under the first edit of "reflect", "project" (in that order): its effect on its own
/// concept's bias has its interval away from 0 and beats the null; and, for every other evaluated
/// concept, the size of that effect exceeds the size of its effect there: the smallest |effect|
/// within the own interval is larger than the largest within the other's. The overall word is
/// RLACE's when it ran, else the methods' common word.
public sealed class CrossConceptRule : IVerdictRule
{
    public string Name => "CrossConcept";
    public string Claim => "an edit along one concept's direction changes its own bias (beyond the null) more than another concept's: disjoint |effect| intervals";
    public RuleNeeds Needs => new() { Edits = [["reflect", "project"]], Metrics = [MetricNames.PronounBias], Null = true, Concepts = 2, Evaluated = 2 };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edit = q.Edit("reflect") ?? q.Edit("project");
        if (edit is null) return Verdict.Missing("no reflect or project edit");
        var concepts = q.Methods.Select(q.ConceptOf).OfType<string>().Distinct().ToList();
        if (concepts.Count < 2) return Verdict.Missing($"methods fitted on two concepts, got {string.Join(", ", concepts)}");
        var methods = new List<MethodVerdict>();
        foreach (var m in q.Judged)
        {
            var own = q.ConceptOf(m);
            if (own is null || q.Row(MetricNames.PronounBias, m, edit, own) is not { } ownRow) continue;
            var ownCheck = MethodEvidence.Judge(ownRow, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Away, 0, MethodEvidence.MaxBiasWidth);
            var checks = new List<Check> { ownCheck with { Line = $"on {own}: {ownCheck.Line}" } };
            foreach (var other in concepts.Where(c => c != own && q.Datasets.Contains(c)))
                if (q.Row(MetricNames.PronounBias, m, edit, other) is { } otherRow)
                    checks.Add(Larger(ownRow, own, otherRow, other));
            methods.Add(MethodVerdict.Of(m, checks));
        }
        if (methods.Count == 0) return Verdict.Missing("pronoun_bias of each concept's methods on their own concept's prompts");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, [$"edit: {edit}"]);
    }

    /// Whether |effect| on `own` exceeds |effect| on `other`, from their intervals.
    private static Check Larger(ResultRow own, string ownName, ResultRow other, string otherName)
    {
        if (own.EffectCiLow is not double ol || own.EffectCiHigh is not double oh || other.EffectCiLow is not double xl || other.EffectCiHigh is not double xh)
            return new(Verdict.Inconclusive, $"no effect interval on {(own.EffectCiLow is null ? ownName : otherName)}");
        double ownSmallest = ol > 0 || oh < 0 ? Math.Min(Math.Abs(ol), Math.Abs(oh)) : 0;
        double otherLargest = Math.Max(Math.Abs(xl), Math.Abs(xh));
        bool larger = ownSmallest > otherLargest;
        return new(larger ? Verdict.Supported : Verdict.NotSupported,
            $"|effect| on {ownName} at least {F(ownSmallest)} {(larger ? ">" : "not above")} at most {F(otherLargest)} on {otherName} (effect {F(other.Effect)} [{F(xl)}, {F(xh)}])");
    }
}
