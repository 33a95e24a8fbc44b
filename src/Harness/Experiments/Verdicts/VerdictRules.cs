namespace Harness.Experiments.Verdicts;

/// Every verdict rule, by hypothesis name (matched without regard to case).
public static class VerdictRules
{
    public static IReadOnlyList<IVerdictRule> All { get; } =
    [
        new ProjectionRule(),
        new SwapRule(),
        new AmplifyRule(),
        new DropoutRule(),
        new CorrelatedFeaturesRule(),
        new RandomBreakageRule(),
        new BreakVsEditRule(),
        new GradientRule(),
        new OverdeterminedRule(),
        new ProbeSubspaceRule(),
        new CollateralDamageRule(),
        new CrossConceptRule(),
        new LayerSweepRule(),
        new LeaceRule(),
        new LargeVsCrispRule(),
    ];

    public static IVerdictRule? Find(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
}
