using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Gradient: the gradient of the logit difference (the "dumb approach") is as good a direction as
/// RLACE's and the probe's. Compares the bias drop under "project" on the concept's prompts:
/// supported when the gradient's drop is at least 80% of the best of RLACE and the probe (else of
/// every other method but random), not supported below 50%, mixed between; inconclusive when no
/// method lowers the bias by more than 0.02.
public sealed class GradientRule : IVerdictRule
{
    public string Name => "Gradient";
    public string Claim => "projecting out the logit-difference gradient lowers the bias as much as RLACE's or the probe's direction";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("project");
        if (edit is null) return Verdict.Missing("no project edit");
        var gradient = q.Family(DirectionMethods.Gradient).FirstOrDefault();
        if (gradient is null) return Verdict.Missing("no gradient method");
        var others = q.Preferred(["rlace", "probe"], "random", DirectionMethods.Gradient);
        if (others.Count == 0) return Verdict.Missing("no method to compare the gradient with");
        double? Drop(string m) =>
            q.ConceptOf(m) is { } d ? q.Baseline(MetricNames.PronounBias, d) - q.Value(MetricNames.PronounBias, m, edit, d) : null;
        var evidence = new List<string>();
        var g = Drop(gradient);
        if (g is null) return Verdict.Missing("pronoun_bias of the gradient direction");
        evidence.Add($"{gradient}: bias drop {F(g)}");
        double best = double.NegativeInfinity;
        foreach (var m in others)
        {
            var d = Drop(m);
            evidence.Add($"{m}: bias drop {F(d)}");
            if (d is not null) best = Math.Max(best, d.Value);
        }
        if (best <= 0.02) return new Verdict(Verdict.Inconclusive, [.. evidence, "no compared method lowers the bias by more than 0.020"]);
        double ratio = g.Value / best;
        evidence.Add($"gradient / best = {F(ratio)} (supported >= 0.8, not supported < 0.5)");
        return new Verdict(ratio >= 0.8 ? Verdict.Supported : ratio < 0.5 ? Verdict.NotSupported : Verdict.Mixed, evidence);
    }
}
