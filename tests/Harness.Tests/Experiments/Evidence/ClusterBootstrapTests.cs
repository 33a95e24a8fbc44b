using Harness.Experiments.Evidence;

namespace Harness.Tests.Experiments.Evidence;

/// The cluster bootstrap: its percentiles follow numpy's linear rule, its interval covers the mean
/// and is seeded, its width follows the standard error of a mean of clusters (not of items), and
/// the paired effect equals the difference of means with the interval of the paired differences.
public class ClusterBootstrapTests
{
    [Test]
    public void PercentileInterpolatesLinearlyAsNumpyDoes()
    {
        var sorted = new double[] { 1, 2, 3, 4, 10 };
        // numpy.percentile([1, 2, 3, 4, 10], [0, 2.5, 50, 97.5, 100]) = [1, 1.1, 3, 9.4, 10]
        ClusterBootstrap.Percentile(sorted, 0).Should().Be(1);
        ClusterBootstrap.Percentile(sorted, 0.025).Should().BeApproximately(1.1, 1e-12);
        ClusterBootstrap.Percentile(sorted, 0.5).Should().Be(3);
        ClusterBootstrap.Percentile(sorted, 0.975).Should().BeApproximately(9.4, 1e-12);
        ClusterBootstrap.Percentile(sorted, 1).Should().Be(10);
    }

    [Test]
    public void IntervalCoversTheMeanAndIsTheSameForTheSameSeed()
    {
        var items = Normal(200, clusters: 100, seed: 3);
        var a = ClusterBootstrap.Mean(items, 2000, seed: 0);
        a.Low.Should().BeLessThan(items.Mean);
        a.High.Should().BeGreaterThan(items.Mean);
        ClusterBootstrap.Mean(items, 2000, seed: 0).Should().Be(a);
        ClusterBootstrap.Mean(items, 2000, seed: 1).Should().NotBe(a);
    }

    [Test]
    public void ConstantItemsGiveAPointInterval()
    {
        var items = Items.Of(Enumerable.Repeat(0.25, 10).ToArray(), Enumerable.Range(0, 10).ToArray(), new int[10]);
        ClusterBootstrap.Mean(items, 500, 0).Should().Be(new ClusterBootstrap.Interval(0.25, 0.25));
    }

    [Test]
    public void WidthFollowsTheClustersNotTheItems()
    {
        // 100 pairs whose two items are equal: 200 items, but only 100 independent values. The
        // interval must be as wide as that of the 100 values (standard error sd / sqrt(100)), not
        // sqrt(2) narrower as it would be if the 200 items were resampled one by one.
        var random = new Random(5);
        var pairValues = Enumerable.Range(0, 100).Select(_ => Gaussian(random)).ToArray();
        var values = pairValues.SelectMany(v => new[] { v, v }).ToArray();
        var paired = Items.Of(values, Enumerable.Range(0, 200).Select(i => i / 2).ToArray(), new int[200]);
        var unpaired = Items.Of(values, Enumerable.Range(0, 200).ToArray(), new int[200]);
        double sd = Math.Sqrt(pairValues.Select(v => (v - pairValues.Average()) * (v - pairValues.Average())).Sum() / 99);
        double expected = 2 * 1.96 * sd / Math.Sqrt(100);
        ClusterBootstrap.Mean(paired, 4000, 0).Width.Should().BeApproximately(expected, 0.1 * expected);
        ClusterBootstrap.Mean(unpaired, 4000, 0).Width.Should().BeApproximately(expected / Math.Sqrt(2), 0.1 * expected);
    }

    [Test]
    public void PairedEffectIsTheDifferenceOfMeansAndTighterThanEitherArm()
    {
        // Edited = baseline + 0.1 + small noise: the items vary a lot, the effect hardly.
        var baseline = Normal(100, clusters: 50, seed: 7);
        var random = new Random(8);
        var edited = baseline with { Values = baseline.Values.Select(v => v + 0.1 + 0.01 * Gaussian(random)).ToArray() };
        var effect = ClusterBootstrap.Effect(edited, baseline, 2000, 0);
        double difference = edited.Mean - baseline.Mean;
        edited.Minus(baseline).Mean.Should().BeApproximately(difference, 1e-12);
        effect.Low.Should().BeLessThan(difference);
        effect.High.Should().BeGreaterThan(difference);
        effect.Width.Should().BeLessThan(ClusterBootstrap.Mean(baseline, 2000, 0).Width / 10);
    }

    [Test]
    public void PairedEffectRefusesDifferentItems()
    {
        var a = Normal(10, 5, 1);
        var b = Normal(12, 6, 1);
        FluentActions.Invoking(() => ClusterBootstrap.Effect(a, b, 100, 0)).Should().Throw<ArgumentException>();
    }

    private static Items Normal(int n, int clusters, int seed)
    {
        var random = new Random(seed);
        return Items.Of(Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray(),
            Enumerable.Range(0, n).Select(i => i % clusters).ToArray(), Enumerable.Range(0, n).Select(i => i % 2).ToArray());
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
