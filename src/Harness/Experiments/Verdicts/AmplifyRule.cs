using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Amplify: "multiply the importance of the direction by 2", i.e. double the centred component along
/// it (strength s = -1 of v' = v - s (v - m) D^T D), raises the concept's answer. In the discussion, on
/// GPT-2, the bias: the probe 0.87 -> 0.90, RLACE 0.83 (down). The bias saturates near 1 (on the
/// organisms the probe's rises 0.003 while its logit difference rises 5.56 -> 5.83), so the rule reads
/// the logit difference: per method, its effect at s = -1 above 0, beyond the null of random
/// directions. The spec sweeps s (-3 ... 3); the evidence gives each method's logit difference at
/// every strength, and the plot bias, logit difference and damage against s.
public sealed class AmplifyRule : IVerdictRule
{
    public const double Strength = -1;

    public string Name => "Amplify";
    public string Claim => "doubling the component along the concept direction (s = -1) raises the logit difference: the effect's interval above 0, beyond the null";
    public RuleNeeds Needs => new() { Edits = [["amplify", "scale"]], Metrics = [MetricNames.LogitDiff], Null = true };

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var sweep = labels.EditStrengths.Where(e => rows.Any(r => r.Edit == e.Key)).OrderBy(e => e.Value).ToList();
        var amplify = sweep.Where(e => e.Value == Strength).Select(e => e.Key).FirstOrDefault();
        if (amplify is null) return Verdict.Missing($"no edit of strength {F(Strength)} (amplify, or scale with strength -1)");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in q.Methods)
        {
            var dataset = q.ConceptOf(m);
            if (dataset is null) continue;
            var row = q.Row(MetricNames.LogitDiff, m, amplify, dataset);
            if (q.Baseline(MetricNames.LogitDiff, dataset) is not double before || row is null) return Verdict.Missing($"logit_diff of {m} on {dataset}");
            var points = sweep.Select(e => (e.Value, Row: q.Row(MetricNames.LogitDiff, m, e.Key, dataset))).Where(p => p.Row is not null)
                .Select(p => $"{F(p.Value)}: {F(p.Row!.Value)}");
            string bias = q.Row(MetricNames.PronounBias, m, amplify, dataset) is { } b && q.Baseline(MetricNames.PronounBias, dataset) is double b0
                ? $"; bias {F(b0)} -> {F(b.Value)} at s = {F(Strength)}" : "";
            bool control = q.IsRandom(m);
            evidence.Add($"{m}{(control ? " (control, draw 0)" : "")} on {dataset}: logit_diff {F(before)} unedited; by strength {string.Join(", ", points)}{bias}");
            if (!control)
                methods.Add(MethodVerdict.Of(m, [MethodEvidence.Judge(row, MethodEvidence.Quantity.Effect, MethodEvidence.Side.Above, 0, double.PositiveInfinity)]));
        }
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }
}
