using static Harness.Experiments.Verdicts.ResultQuery;

namespace Harness.Experiments.Verdicts;

/// Amplify: doubling the centred component along the concept direction (s = -1) raises the bias.
/// In the discussion, on GPT-2: the probe 0.87 -> 0.90, RLACE not (0.83). A method raises it when
/// the bias grows by more than Margin (small: the bias is bounded by 1).
public sealed class AmplifyRule : BiasEditRule
{
    public const double Margin = 0.005;

    public override string Name => "Amplify";
    public override string Claim => "amplifying along the concept direction raises the bias";
    protected override string EditFamily => "amplify";

    /// Per method: the bias rises: the effect's interval above 0, beyond the null.
    protected override (MethodEvidence.Quantity Quantity, bool Below, double Boundary) PerMethod => (MethodEvidence.Quantity.Effect, Below: false, Boundary: 0);

    protected override bool Holds(double before, double after) => after - before > Margin;

    protected override string Describe(double before, double after, bool control)
    {
        double rise = after - before;
        return $" (change {(rise >= 0 ? "+" : "")}{F(rise)})";
    }
}
