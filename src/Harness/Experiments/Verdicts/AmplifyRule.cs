using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Amplify: doubling the centred component along the concept direction (s = -1) raises the bias.
/// In the discussion, on GPT-2: the probe 0.87 -> 0.90, RLACE not (0.83). A method raises it when
/// the bias grows by more than Margin (small: the bias is bounded by 1).
public sealed class AmplifyRule : IVerdictRule
{
    public const double Margin = 0.005;

    public string Name => "Amplify";
    public string Claim => "amplifying along the concept direction raises the bias";

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit("amplify");
        if (edit is null) return Verdict.Missing("no amplify edit");
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
            double rise = after.Value - before.Value;
            bool control = IsFamily(m, "random");
            if (!control) checks.Add(rise > Margin);
            evidence.Add($"{m}{(control ? " (control)" : "")}: bias {F(before)} -> {F(after)} (change {(rise >= 0 ? "+" : "")}{F(rise)})");
        }
        return new Verdict(Verdict.FromChecks(checks), evidence);
    }
}
