namespace Harness.Experiments.Verdicts;

/// Projection: projecting the concept direction out (around the median) lowers the bias. In the
/// discussion, on GPT-2: 0.87 -> 0.73 with RLACE, 0.82 with the probe. Per method: the effect
/// (edited minus unedited bias on the concept's prompts) has its interval below 0 and beats the
/// null of random directions.
public sealed class ProjectionRule : BiasEditRule
{
    public override string Name => "Projection";
    public override string Claim => "projecting the concept direction out lowers the bias: the effect's interval below 0, beyond the null of random directions";
    protected override string EditFamily => "project";
    protected override (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod =>
        (MethodEvidence.Quantity.Effect, MethodEvidence.Side.Below, 0);
}
