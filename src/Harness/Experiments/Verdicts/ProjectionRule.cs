using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Projection: projecting the concept direction out (around the median) lowers the bias. In the
/// discussion, on GPT-2: 0.87 -> 0.73 with RLACE, 0.82 with the probe. Checked for RLACE and the
/// probe (else every method but the random control) on the concept's prompts: the bias must drop
/// by more than Margin. The random direction, when present, is reported for comparison.
public sealed class ProjectionRule : BiasEditRule
{
    public const double Margin = 0.02;

    public override string Name => "Projection";
    public override string Claim => "projecting the concept direction out lowers the bias (RLACE and the probe)";
    protected override string EditFamily => "project";

    /// Per method: the bias falls: the effect's interval below 0, beyond the null.
    protected override (MethodEvidence.Quantity Quantity, bool Below, double Boundary) PerMethod => (MethodEvidence.Quantity.Effect, Below: true, Boundary: 0);

    protected override bool Holds(double before, double after) => before - after > Margin;

    protected override string Describe(double before, double after, bool control)
    {
        double drop = before - after;
        return $" (drop {F(drop)}{(control ? "" : drop > Margin ? $" > {F(Margin)}" : $" <= {F(Margin)}")})";
    }
}
