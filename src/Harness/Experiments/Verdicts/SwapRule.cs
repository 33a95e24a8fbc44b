namespace Harness.Experiments.Verdicts;

/// Swap: reflecting the activations through the concept direction ("swap") inverts the bias. In the
/// discussion, on GPT-2: RLACE 0.87 -> -0.29 (inverted), the probe only to 0.68. A method inverts
/// the bias when it becomes negative; "supported" when every checked method (RLACE and the probe,
/// else every method but random) inverts it, "mixed" when some do.
public sealed class SwapRule : BiasEditRule
{
    public override string Name => "Swap";
    public override string Claim => "reflecting along the concept direction inverts the bias (it becomes negative)";
    protected override string EditFamily => "reflect";

    /// Per method: the bias is inverted: the edited bias's interval below 0, the effect beyond the null.
    protected override (MethodEvidence.Quantity Quantity, bool Below, double Boundary) PerMethod => (MethodEvidence.Quantity.Value, Below: true, Boundary: 0);

    protected override bool Holds(double before, double after) => after < 0;

    protected override string Describe(double before, double after, bool control) =>
        after < 0 ? " (inverted)" : " (not inverted)";
}
