using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Gradient: the gradient of the logit difference (the "dumb approach") is a baseline direction:
/// projecting it out lowers the bias. Per method (the gradient and every other method but random):
/// the projection's effect has its interval below 0, beyond the null. The overall word is the
/// gradient's; the evidence compares its effect with RLACE's and the probe's (which is larger, by
/// disjoint intervals, or neither).
public sealed class GradientRule : IVerdictRule
{
    public string Name => "Gradient";
    public string Claim => "projecting out the logit-difference gradient lowers the bias (effect below 0, beyond the null), compared with RLACE and the probe";
    public RuleNeeds Needs => new() { Edits = [["project"]], Metrics = [MetricNames.PronounBias], Methods = [DirectionMethods.Gradient], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edit = q.Edit("project");
        if (edit is null) return Verdict.Missing("no project edit");
        var gradient = q.Family(DirectionMethods.Gradient).FirstOrDefault();
        if (gradient is null) return Verdict.Missing("no gradient method");
        ResultRow? Row(string m) => q.ConceptOf(m) is { } d ? q.Row(MetricNames.PronounBias, m, edit, d) : null;
        var g = Row(gradient);
        if (g is null) return Verdict.Missing("pronoun_bias of the gradient direction");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in q.Judged)
        {
            if (Row(m) is not { } row) continue;
            methods.Add(MethodVerdict.Of(m, [MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0, MethodEvidence.MaxBiasWidth)]));
            if (m == gradient || !(q.Labels.Is(m, RlaceEraser.MethodName) || q.Labels.Is(m, ProbeEraser.MethodName))) continue;
            // Larger drop = more negative effect: the gradient beats m when m's effect lies above.
            var beats = MethodEvidence.Exceeds(row, m, g, gradient, MethodEvidence.Quantity.Effect);
            var loses = MethodEvidence.Exceeds(g, gradient, row, m, MethodEvidence.Quantity.Effect);
            var say = beats.Word == Verdict.Supported ? "the gradient lowers the bias more than"
                : loses.Word == Verdict.Supported ? "the gradient lowers the bias less than"
                : "the gradient's effect is not distinguishable from";
            evidence.Add($"{say} {m}'s: effect {F(g.Effect)} [{F(g.EffectCiLow)}, {F(g.EffectCiHigh)}] vs {F(row.Effect)} [{F(row.EffectCiLow)}, {F(row.EffectCiHigh)}]");
        }
        return Verdict.Of(DirectionMethods.Gradient, gradient, methods, evidence);
    }
}
