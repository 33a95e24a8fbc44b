using Harness.Experiments.Evidence;

namespace Harness.Tests.Experiments.Evidence;

/// Student's t and Welch's interval, against printed tables and a second computation: the t
/// density integrated numerically (Simpson, 20000 panels, Python's math.lgamma) and bisected.
public class SeedStatisticsTests
{
    // Two-sided 95 % quantiles t(0.975, df) from the standard table (Abramowitz & Stegun 26.10;
    // NIST/SEMATECH e-Handbook 1.3.6.7.2), and the normal's 1.95996 as df grows.
    [TestCase(1, 12.706)]
    [TestCase(2, 4.303)]
    [TestCase(3, 3.182)]
    [TestCase(4, 2.776)]
    [TestCase(10, 2.228)]
    [TestCase(30, 2.042)]
    [TestCase(1e6, 1.960)]
    public void The_t_quantile_matches_the_table(double df, double expected) =>
        SeedStatistics.TQuantile(0.975, df).Should().BeApproximately(expected, 5e-4);

    [Test]
    public void The_t_cdf_is_the_cauchy_at_one_degree_and_symmetric()
    {
        // t with 1 degree of freedom is the Cauchy: P(T <= t) = 1/2 + atan(t)/pi.
        foreach (var t in new[] { 0.0, 0.3, 1, 4, 50 })
            SeedStatistics.TCdf(t, 1).Should().BeApproximately(0.5 + Math.Atan(t) / Math.PI, 1e-12);
        SeedStatistics.TCdf(-1.7, 5).Should().BeApproximately(1 - SeedStatistics.TCdf(1.7, 5), 1e-14);
        // A non-integer df (Welch's are): 3.57465 by numerical integration of the density.
        SeedStatistics.TQuantile(0.975, 2.5).Should().BeApproximately(3.57465, 1e-4);
    }

    [Test]
    public void Welch_matches_a_hand_computation()
    {
        // Three seeds per arm. By hand (Python): difference 0.3, standard error 0.0471405,
        // Welch-Satterthwaite df 3.96786, t quantile 2.78534, interval [0.168698, 0.431302].
        double[] with = [-0.45, -0.40, -0.52], without = [-0.76, -0.70, -0.81];
        var d = SeedStatistics.Welch(with, without);
        d.Value.Should().BeApproximately(0.3, 1e-12);
        d.Df.Should().BeApproximately(3.96786, 1e-4);
        d.Low.Should().BeApproximately(0.168698, 1e-5);
        d.High.Should().BeApproximately(0.431302, 1e-5);
    }

    [Test]
    public void An_arms_mean_interval_is_t_times_the_standard_error()
    {
        var m = SeedStatistics.MeanOf([1.0, 2.0, 4.0]);
        m.Value.Should().BeApproximately(7.0 / 3, 1e-12);
        m.Sd.Should().BeApproximately(Math.Sqrt(7.0 / 3), 1e-12);
        double half = 4.302653 * Math.Sqrt(7.0 / 3) / Math.Sqrt(3);
        m.Low.Should().BeApproximately(7.0 / 3 - half, 1e-5);
        m.High.Should().BeApproximately(7.0 / 3 + half, 1e-5);
        FluentActions.Invoking(() => SeedStatistics.MeanOf([1.0])).Should().Throw<ArgumentException>().WithMessage("*at least 2*");
    }
}
