using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Projection: projecting the concept direction out (around the median) lowers the bias. In the
/// discussion, on GPT-2: 0.87 -> 0.73 with RLACE, 0.82 with the probe. Checked for RLACE and the
/// probe (else every method but the random control) on the concept's prompts: the bias must drop
/// by more than Margin. The random direction, when present, is reported for comparison.
public sealed class ProjectionRule : IVerdictRule
{
    public const double Margin = 0.02;

    public string Name => "Projection";
    public string Claim => "projecting the concept direction out lowers the bias (RLACE and the probe)";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("project");
        if (edit is null) return Verdict.Missing("no project edit");
        var methods = q.Preferred(["rlace", "probe"], "random");
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        var checks = new List<bool>();
        var evidence = new List<string>();
        foreach (var m in methods.Concat(q.Family("random")))
        {
            var dataset = q.ConceptOf(m);
            if (dataset is null) continue;
            var before = q.Baseline(MetricNames.PronounBias, dataset);
            var after = q.Value(MetricNames.PronounBias, m, edit, dataset);
            if (before is null || after is null) return Verdict.Missing($"pronoun_bias of {m} on {dataset}");
            double drop = before.Value - after.Value;
            bool control = IsFamily(m, "random");
            if (!control) checks.Add(drop > Margin);
            evidence.Add($"{m}{(control ? " (control)" : "")}: bias {F(before)} -> {F(after)} (drop {F(drop)}{(control ? "" : drop > Margin ? $" > {F(Margin)}" : $" <= {F(Margin)}")})");
        }
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
