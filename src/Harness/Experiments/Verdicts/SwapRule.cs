using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Swap: reflecting the activations through the concept direction ("swap") inverts the bias. In the
/// discussion, on GPT-2: RLACE 0.87 -> -0.29 (inverted), the probe only to 0.68. A method inverts
/// the bias when it becomes negative; "supported" when every checked method (RLACE and the probe,
/// else every method but random) inverts it, "mixed" when some do.
public sealed class SwapRule : IVerdictRule
{
    public string Name => "Swap";
    public string Claim => "reflecting along the concept direction inverts the bias (it becomes negative)";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("reflect");
        if (edit is null) return Verdict.Missing("no reflect edit");
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
            bool control = IsFamily(m, "random");
            if (!control) checks.Add(after < 0);
            evidence.Add($"{m}{(control ? " (control)" : "")}: bias {F(before)} -> {F(after)}{(after < 0 ? " (inverted)" : " (not inverted)")}");
        }
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
