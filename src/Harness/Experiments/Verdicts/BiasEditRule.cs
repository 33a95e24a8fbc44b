using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// The shape shared by the rules that read one edit's effect on the bias (Projection, Swap,
/// Amplify): for RLACE and the probe (else every method but the random control), compare the bias
/// of the concept's prompts before and after the edit; the random direction, when present, is
/// reported for comparison but does not count.
public abstract class BiasEditRule : IVerdictRule
{
    public abstract string Name { get; }
    public abstract string Claim { get; }

    /// The edit family this rule reads ("project", "reflect", "amplify").
    protected abstract string EditFamily { get; }

    /// Whether a method's bias change supports the claim.
    protected abstract bool Holds(double before, double after);

    /// The evidence line's tail after "bias b -> a", for a method or (control = true) for random.
    protected abstract string Describe(double before, double after, bool control);

    /// The claim per method, judged from the row's interval and null rank (MethodEvidence): which
    /// quantity, on which side of which boundary.
    protected abstract (MethodEvidence.Quantity Quantity, bool Below, double Boundary) PerMethod { get; }

    public Verdict Decide(IReadOnlyList<ResultRow> rows)
    {
        var q = new ResultQuery(rows);
        var edit = q.Edit(EditFamily);
        if (edit is null) return Verdict.Missing($"no {EditFamily} edit");
        var methods = q.Preferred(["rlace", "probe"], "random");
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        var checks = new List<bool>();
        var evidence = new List<string>();
        var perMethod = new List<string>();
        foreach (var m in methods.Concat(q.Family("random")))
        {
            var dataset = q.ConceptOf(m);
            if (dataset is null) continue;
            var before = q.Baseline(MetricNames.PronounBias, dataset);
            var after = q.Value(MetricNames.PronounBias, m, edit, dataset);
            if (before is null || after is null) return Verdict.Missing($"pronoun_bias of {m} on {dataset}");
            bool control = IsFamily(m, "random");
            if (!control) checks.Add(Holds(before.Value, after.Value));
            evidence.Add($"{m}{(control ? " (control)" : "")}: bias {F(before)} -> {F(after)}{Describe(before.Value, after.Value, control)}");
            if (!control && q.Row(MetricNames.PronounBias, m, edit, dataset) is { } row)
                perMethod.Add("per method: " + MethodEvidence.Judge(row, PerMethod.Quantity, PerMethod.Below, PerMethod.Boundary, MethodEvidence.MaxBiasWidth).Line);
        }
        return new Verdict(Verdict.FromChecks(checks), [.. evidence, .. perMethod]);
    }
}
