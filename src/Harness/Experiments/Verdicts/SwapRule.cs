namespace Harness.Experiments.Verdicts;

/// Swap: reflecting the activations through the concept direction ("swap") inverts the bias. In the
/// discussion, on GPT-2: RLACE 0.87 -> -0.29 (inverted), the probe only to 0.68. Per method: the
/// edited bias has its interval below 0 (inverted), and the effect beats the null.
public sealed class SwapRule : BiasEditRule
{
    public override string Name => "Swap";
    public override string Claim => "reflecting along the concept direction inverts the bias: the edited bias's interval below 0, the effect beyond the null";
    protected override string EditFamily => "reflect";
    protected override (MethodEvidence.Quantity Quantity, MethodEvidence.Side Side, double Boundary) PerMethod =>
        (MethodEvidence.Quantity.Value, MethodEvidence.Side.Below, 0);
}
