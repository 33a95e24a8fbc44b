using Harness.Experiments.Evidence;

namespace Harness.Tests.Experiments.Evidence;

/// Intervals of ratios of two means (damage per unit of edit size, per unit of bias change),
/// checked against the interval of a mean they must reduce to: over a constant denominator the
/// resamples of the numerator are those of its mean, so the ratio's interval is the mean's divided
/// by the constant, draw for draw.
public class RatioBootstrapTests
{
    private static Items Items(double[] values, int[] clusters) => Harness.Experiments.Evidence.Items.Of(values, clusters, new int[values.Length]);

    private static (double[] Values, int[] Clusters) Sample(int n, int seed)
    {
        var random = new Random(seed);
        return (Enumerable.Range(0, n).Select(_ => random.NextDouble() * 3).ToArray(), Enumerable.Range(0, n).Select(i => i / 2).ToArray());
    }

    [Test]
    public void ARatioToAConstantIsTheMeansIntervalScaled()
    {
        var (v, c) = Sample(120, 1);
        var mean = ClusterBootstrap.Mean(Items(v, c), 2000, seed: 7);
        var ratio = ClusterBootstrap.Ratio(Items(v, c), Items(Enumerable.Repeat(2.0, v.Length).ToArray(), c), 2000, seed: 7);
        ratio.Low.Should().BeApproximately(mean.Low / 2, 1e-12);
        ratio.High.Should().BeApproximately(mean.High / 2, 1e-12);
        var independent = ClusterBootstrap.IndependentRatio(Items(v, c), Items([-4.0, -4.0, -4.0], [0, 1, 2]), 2000, seed: 7);
        independent.Low.Should().BeApproximately(mean.Low / 4, 1e-12, "the denominator's absolute value");
        independent.High.Should().BeApproximately(mean.High / 4, 1e-12);
    }

    [Test]
    public void AProportionalNumeratorGivesAPointAndTheIntervalCoversTheRatioOfMeans()
    {
        var (v, c) = Sample(200, 2);
        var tripled = ClusterBootstrap.Ratio(Items(v.Select(x => 3 * x).ToArray(), c), Items(v, c), 1000, seed: 0);
        tripled.Low.Should().BeApproximately(3, 1e-12, "both means move together in every resample");
        tripled.High.Should().BeApproximately(3, 1e-12);
        var (w, _) = Sample(200, 3);
        var ratio = ClusterBootstrap.Ratio(Items(w, c), Items(v, c), 2000, seed: 0);
        double point = w.Average() / v.Average();
        ratio.Low.Should().BeLessThan(point);
        ratio.High.Should().BeGreaterThan(point);
        var apart = ClusterBootstrap.IndependentRatio(Items(w, c), Items(v, c), 2000, seed: 0);
        apart.Width.Should().BeGreaterThan(ratio.Width, "independent resamples do not cancel what the paired ones share");
    }

    [Test]
    public void EvidenceRowsWriteARatioOnlyForAnEditThatMoves()
    {
        var evidence = new EvidenceRows(500, 0);
        var row = new Harness.Experiments.ResultRow("x", "m", "s", "probe", "project", "gender", "test", Harness.Experiments.MetricNames.KlDamage, 0);
        var (v, c) = Sample(20, 4);
        evidence.Add(row with { Method = "none", Edit = "none" }, Items(new double[20], c), [], perLabel: false);
        evidence.Add(row, Items(v, c), [], perLabel: false);
        evidence.Add(row with { Metric = Harness.Experiments.MetricNames.EditSize }, Items(Enumerable.Repeat(0.5, 20).ToArray(), c), [], perLabel: false);
        evidence.Add(row with { Edit = "scale(strength=0)" }, Items(new double[20], c), [], perLabel: false);
        evidence.Add(row with { Edit = "scale(strength=0)", Metric = Harness.Experiments.MetricNames.EditSize }, Items(new double[20], c), [], perLabel: false);
        evidence.AddPerEditSize("m", "s", Harness.Experiments.MetricNames.EditSize, Harness.Experiments.MetricNames.PerEditSize);
        var ratios = evidence.Rows.Where(r => r.Metric == Harness.Experiments.MetricNames.KlPerEditSize).ToList();
        ratios.Should().ContainSingle("the identity edit has no damage per unit of size").Which.Value.Should().BeApproximately(v.Average() / 0.5, 1e-12);
        ratios[0].N.Should().BeNull("it is not a mean of items");
    }
}

/// Nulls of several ranks: a method spanning k directions is ranked against random subspaces of
/// rank k when the spec draws them, else against the first null; each random source's own rows
/// get its quantiles.
public class RankedNullTests
{
    [Test]
    public void AMethodIsRankedAgainstTheNullOfItsOwnRank()
    {
        var evidence = new EvidenceRows(200, 0);
        var row = new Harness.Experiments.ResultRow("x", "m", "s", "none", "none", "gender", "test", Harness.Experiments.MetricNames.PronounBias, 0);
        var clusters = Enumerable.Range(0, 10).ToArray();
        Items Of(double v) => Items.Of(Enumerable.Repeat(v, 10).ToArray(), clusters, new int[10]);
        evidence.Add(row, Of(0.9), [], perLabel: false);
        foreach (var (method, k, value) in new[] { ("inlp(iterations=8)", 8, 0.5), ("leace", 1, 0.5), ("random", 1, 0.89), ("random-8", 8, 0.7) })
        {
            evidence.Add(row with { Method = method, Edit = "fit", Split = "train", Metric = Harness.Experiments.MetricNames.Directions, Value = k });
            evidence.Add(row with { Method = method, Edit = "project" }, Of(value), [], perLabel: false);
        }
        var nulls = new NullEffects();
        nulls.AddSource(1, "random");
        nulls.AddSource(8, "random-8");
        for (int j = 0; j < 9; j++)
        {
            nulls.Add(new NullEffects.Key("m", "s", "project", "gender", "test", Harness.Experiments.MetricNames.PronounBias, null, 1), -0.01 * j);
            nulls.Add(new NullEffects.Key("m", "s", "project", "gender", "test", Harness.Experiments.MetricNames.PronounBias, null, 8), -0.1 * j);
        }
        evidence.AttachNulls(nulls);
        Harness.Experiments.ResultRow Edited(string method) => evidence.Rows.Single(r => r.Method == method && r.Edit == "project");
        Edited("leace").NullRank.Should().Be(0.1, "-0.4 is beyond all nine rank-1 effects (at most 0.08)");
        Edited("inlp(iterations=8)").NullRank.Should().Be(0.6, "five of nine rank-8 effects reach 0.4");
        Edited("random-8").NullMedian.Should().BeApproximately(-0.4, 1e-12);
        Edited("random").NullMedian.Should().BeApproximately(-0.04, 1e-12);
        // The mean over the nine draws, 0, -0.01, ..., -0.08, and an interval around it inside their range.
        var random = Edited("random");
        random.NullMean.Should().BeApproximately(-0.04, 1e-12);
        random.NullMeanLow.Should().BeLessThan(-0.04).And.BeGreaterThan(-0.08);
        random.NullMeanHigh.Should().BeGreaterThan(-0.04).And.BeLessThan(0);
        Edited("leace").NullMean.Should().BeNull("a fitted method is ranked against the null, not described by it");
    }
}
