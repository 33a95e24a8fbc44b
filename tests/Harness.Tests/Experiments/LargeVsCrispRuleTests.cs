using Harness.Experiments;
using Harness.Experiments.Verdicts;

namespace Harness.Tests.Experiments;

/// The LargeVsCrisp rule on hand-made rank-correlation rows: each population is supported only when
/// the large - crisp difference and the large correlation both have intervals above 0.
public class LargeVsCrispRuleTests
{
    private static readonly RunLabels Labels = new(
        new Dictionary<string, MethodLabel> { ["random"] = new("random", "gender"), ["rlace"] = new("rlace", "gender") },
        new Dictionary<string, string> { ["project"] = "project" });

    private static IEnumerable<ResultRow> Population(string method, (double V, double Lo, double Hi) large, (double V, double Lo, double Hi) crisp, (double V, double Lo, double Hi) difference, int n)
    {
        ResultRow Row(string metric, (double V, double Lo, double Hi) x) =>
            new("lvc", "m", "s", method, "project", "gender", "test", metric, x.V) { NullN = n, CiLow = x.Lo, CiHigh = x.Hi };
        yield return Row(MetricNames.RankCorrMeanDifference, large);
        yield return Row(MetricNames.RankCorrDPrime, crisp);
        yield return Row(MetricNames.RankCorrLargeMinusCrisp, difference);
    }

    private static ResultRow Stat(string metric, double v) => new("lvc", "m", "s", "rlace", ResultRow.FitEdit, "gender", "test", metric, v);

    [Test]
    public void Large_beating_crisp_with_intervals_above_zero_is_supported_and_otherwise_not()
    {
        var rows = Population("random", (0.4, 0.2, 0.6), (0.1, -0.1, 0.3), (0.3, 0.1, 0.5), 100)
            .Concat(Population(MetricNames.AllDirections, (0.5, 0.3, 0.7), (0.2, 0.0, 0.4), (0.3, 0.1, 0.5), 104))
            .Append(Stat(MetricNames.DirectionMeanDifference, 2.5)).Append(Stat(MetricNames.DirectionDPrime, 1.1))
            .ToList();
        var v = new LargeVsCrispRule().Decide(rows, Labels);
        v.Word.Should().Be(Verdict.Supported, v.ToString());
        v.Methods.Select(m => m.Method).Should().Equal("random", MetricNames.AllDirections);
        v.Evidence.Should().Contain(e => e.Contains("rlace on m: mean difference 2.500, d' 1.100"));

        // The difference's interval reaches 0: crisp is not beaten.
        var tied = Population("random", (0.4, 0.2, 0.6), (0.35, 0.15, 0.55), (0.05, -0.02, 0.12), 100)
            .Concat(Population(MetricNames.AllDirections, (0.4, 0.2, 0.6), (0.35, 0.15, 0.55), (0.05, -0.02, 0.12), 104)).ToList();
        new LargeVsCrispRule().Decide(tied, Labels).Word.Should().Be(Verdict.NotSupported);

        // Large beats crisp, but the effect does not follow the mean difference either.
        var neither = Population("random", (0.05, -0.1, 0.2), (-0.2, -0.4, 0.0), (0.25, 0.1, 0.4), 100)
            .Concat(Population(MetricNames.AllDirections, (0.05, -0.1, 0.2), (-0.2, -0.4, 0.0), (0.25, 0.1, 0.4), 104)).ToList();
        new LargeVsCrispRule().Decide(neither, Labels).Word.Should().Be(Verdict.NotSupported);
    }

    [Test]
    public void Without_rank_correlations_it_is_inconclusive_and_says_what_is_missing()
    {
        var v = new LargeVsCrispRule().Decide([Stat(MetricNames.DirectionMeanDifference, 2.5), new("lvc", "m", "s", "rlace", "project", "gender", "test", MetricNames.PronounBias, 0.5)], Labels);
        v.Word.Should().Be(Verdict.Inconclusive);
        v.Evidence.Single().Should().Contain("rank correlations");
    }
}
