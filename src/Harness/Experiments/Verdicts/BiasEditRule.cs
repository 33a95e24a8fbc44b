using Harness.Erasure;
using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// The shape shared by the rules that read one edit's effect on the bias of the concept's prompts
/// (Projection, Swap, Amplify): every method but the random control is judged on the rule's claim
/// (MethodEvidence.Judge: a quantity's interval on one side of a boundary, the effect beyond the
/// null); the overall word is RLACE's (the discussion's direction). The random control's bias is
/// listed for comparison.
public abstract class BiasEditRule : IVerdictRule
{
    public abstract string Name { get; }
    public abstract string Claim { get; }

    /// The edit family this rule reads ("project", "reflect", "amplify").
    protected abstract string EditFamily { get; }

    public RuleNeeds Needs => new() { Edits = [[EditFamily]], Metrics = [MetricNames.PronounBias], Null = true };

    /// The claim per method: which quantity, on which side of which boundary.
    protected abstract (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod { get; }

    /// Checks a rule adds to the bias check when the rows have what they read.
    protected virtual IEnumerable<Check> MoreChecks(ResultQuery q, string method, string dataset) => [];

    public Verdict Decide(IReadOnlyList<ResultRow> rows, RunLabels labels)
    {
        var q = new ResultQuery(rows, labels);
        var edit = q.Edit(EditFamily);
        if (edit is null) return Verdict.Missing($"no {EditFamily} edit");
        var methods = new List<MethodVerdict>();
        var evidence = new List<string>();
        foreach (var m in q.Methods)
        {
            var dataset = q.ConceptOf(m);
            if (dataset is null) continue;
            var before = q.Baseline(MetricNames.PronounBias, dataset);
            var row = q.Row(MetricNames.PronounBias, m, edit, dataset);
            if (before is null || row is null) return Verdict.Missing($"pronoun_bias of {m} on {dataset}");
            bool control = q.IsRandom(m);
            evidence.Add($"{m}{(control ? " (control, draw 0)" : "")}: bias {F(before)} -> {F(row.Value)} on {dataset}");
            if (!control)
                methods.Add(MethodVerdict.Of(m, [MethodEvidence.Judge(row, PerMethod.Quantity, PerMethod.Side, PerMethod.Boundary, MethodEvidence.MaxBiasWidth), .. MoreChecks(q, m, dataset)]));
        }
        if (methods.Count == 0) return Verdict.Missing("no direction method besides random");
        return Verdict.Of(RlaceEraser.MethodName, q.Family(RlaceEraser.MethodName).FirstOrDefault(), methods, evidence);
    }
}
