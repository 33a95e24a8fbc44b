namespace Harness.Experiments.Verdicts;

/// Projection: projecting the concept direction out (around the median) lowers the bias. In the
/// discussion, on GPT-2: 0.87 -> 0.73 with RLACE, 0.82 with the probe. Per method: the effect
/// (edited minus unedited bias on the concept's prompts) has its interval below 0 and beats the
/// null of random directions. When the spec measures `confusion`, a second measure of the same claim:
/// patching the component along the direction in from the prompt's partner (same pair, other label)
/// moves its log p(correct) - log p(wrong) towards the partner's answer, the mean change's interval
/// below 0 (no null: random directions have no partner component to patch that a verdict ranks).
public sealed class ProjectionRule : BiasEditRule
{
    public override string Name => "Projection";
    public override string Claim => "projecting the concept direction out lowers the bias: the effect's interval below 0, beyond the null of random directions";
    protected override string EditFamily => "project";
    protected override (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod =>
        (MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0);

    protected override IEnumerable<Check> MoreChecks(ResultQuery q, string method, string dataset)
    {
        if (q.Row(MetricNames.Confusion, method, ResultRow.PatchEdit, dataset) is not { } row) yield break;
        var check = MethodEvidence.Judge(row, MethodEvidence.Quantity.Value, MethodEvidence.Side.Below, 0, double.PositiveInfinity, needsNull: false);
        yield return check with { Line = $"the partner's component patched in: {check.Line}" };
    }
}
