namespace Harness.Experiments.Verdicts;

/// Amplify: doubling the centred component along the concept direction (s = -1) raises the bias.
/// In the discussion, on GPT-2: the probe 0.87 -> 0.90, RLACE not (0.83). Per method: the effect's
/// interval above 0, beyond the null.
public sealed class AmplifyRule : BiasEditRule
{
    public override string Name => "Amplify";
    public override string Claim => "amplifying along the concept direction raises the bias: the effect's interval above 0, beyond the null";
    protected override string EditFamily => "amplify";
    protected override (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod =>
        (MethodEvidence.Quantity.Effect, MethodEvidence.Side.Above, 0);
}
