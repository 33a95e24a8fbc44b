using Harness.Experiments.Evidence;

namespace Harness.Tests.Experiments.Evidence;

/// Spearman's rho as scipy computes it (average ranks for ties), and the paired intervals of two
/// correlations and their difference.
public class RankCorrelationTests
{
    [Test]
    public void Rho_matches_scipy_with_ties()
    {
        // scipy.stats.spearmanr([3,1,4,1,5,9,2,6,5,3], [2,7,1,8,2,8,1,8,2,8]).correlation (scipy 1.10, Debian 12)
        double[] x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3], y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8];
        RankCorrelation.Spearman(x, y).Should().BeApproximately(0.13471506281091267, 1e-12);
        RankCorrelation.Ranks([10, 20, 20, 5]).Should().Equal(2, 3.5, 3.5, 1);
    }

    [Test]
    public void A_monotone_relation_is_one_whatever_its_shape_and_its_reverse_minus_one()
    {
        var x = Enumerable.Range(1, 30).Select(i => (double)i).ToArray();
        RankCorrelation.Spearman(x, x.Select(v => Math.Exp(v / 3)).ToArray()).Should().BeApproximately(1, 1e-12);
        RankCorrelation.Spearman(x, x.Select(v => -v * v).ToArray()).Should().BeApproximately(-1, 1e-12);
    }

    [Test]
    public void The_outcome_that_follows_one_explanation_beats_the_other_with_a_paired_interval()
    {
        var random = new Random(5);
        int n = 100;
        var a = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var b = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        var outcome = a.Select(v => v + 0.1 * random.NextDouble()).ToArray();
        var c = RankCorrelation.Compare(outcome, a, b, 1000, seed: 0);
        c.N.Should().Be(n);
        c.Rho.Should().BeGreaterThan(0.9);
        c.RhoCi.Low.Should().BeLessThan(c.Rho).And.BeGreaterThan(0.8);
        c.OtherCi.Low.Should().BeLessThan(0).And.BeLessThan(c.Other);
        c.OtherCi.High.Should().BeGreaterThan(c.Other);
        c.Difference.Should().BeApproximately(c.Rho - c.Other, 1e-12);
        c.DifferenceCi.Low.Should().BeGreaterThan(0.5);
        RankCorrelation.Compare(outcome, a, b, 1000, seed: 0).Should().Be(c, "seeded");
        // Swapping the explanations mirrors the difference.
        var swapped = RankCorrelation.Compare(outcome, b, a, 1000, seed: 0);
        swapped.Difference.Should().BeApproximately(-c.Difference, 1e-12);
        swapped.DifferenceCi.High.Should().BeApproximately(-c.DifferenceCi.Low, 1e-9);
    }

    [Test]
    public void Mismatched_lengths_are_refused()
    {
        var act = () => RankCorrelation.Compare([1.0, 2, 3], [1.0, 2], [1.0, 2, 3], 10, 0);
        act.Should().Throw<ArgumentException>();
    }
}
