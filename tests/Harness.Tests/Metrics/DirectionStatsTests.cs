using Harness.Metrics;
using static TorchSharp.torch;

namespace Harness.Tests.Metrics;

/// direction_stats against numpy, and the invariances a reader relies on: the sign and length of
/// the direction do not matter, d' is the mean difference over the spread, and a direction that
/// carries no class difference has none.
public class DirectionStatsTests
{
    // numpy.random.default_rng(0).normal(size=(8, 3)) rounded to 3 digits.
    private static readonly double[,] X =
    {
        { 0.126, -0.132, 0.64 }, { 0.105, -0.536, 0.362 }, { 1.304, 0.947, -0.704 }, { -1.265, -0.623, 0.041 },
        { -2.325, -0.219, -1.246 }, { -0.732, -0.544, -0.316 }, { 0.412, 1.043, -0.129 }, { 1.366, -0.665, 0.352 },
    };
    private static readonly long[] Z = [0, 1, 0, 1, 1, 0, 1, 0];

    [Test]
    public void Matches_numpy()
    {
        // p = X @ u / |u|, u = (1, 2, -2); |mean(p|1) - mean(p|0)|, pooled sd (ddof 1), ratio, var(p, ddof=1).
        var s = DirectionStats.Of(tensor(X), tensor(Z), tensor(new[] { 1.0, 2, -2 }))!;
        s.MeanDifference.Should().BeApproximately(0.26091666666666663, 1e-12);
        s.Spread.Should().BeApproximately(0.8722361508088148, 1e-12);
        s.DPrime.Should().BeApproximately(0.2991353504721417, 1e-12);
        s.Variance.Should().BeApproximately(0.6715614900793648, 1e-12);
    }

    [Test]
    public void Sign_and_length_of_the_direction_do_not_matter()
    {
        var a = DirectionStats.Of(tensor(X), tensor(Z), tensor(new[] { 1.0, 2, -2 }))!;
        var b = DirectionStats.Of(tensor(X).to(ScalarType.Float32), tensor(Z), tensor(new[] { -3.0, -6, 6 }))!;
        b.MeanDifference.Should().BeApproximately(a.MeanDifference, 1e-6);
        b.DPrime.Should().BeApproximately(a.DPrime, 1e-6);
        a.DPrime.Should().BeApproximately(a.MeanDifference / a.Spread, 1e-12);
    }

    [Test]
    public void Large_and_crisp_are_different_things()
    {
        // Along x0 the classes are 10 apart with spread ~10 (large, not crisp); along x1 they are
        // 0.2 apart with spread ~0.01 (crisp, not large).
        var g = new Generator(4);
        var z = cat([zeros(500, ScalarType.Int64), ones(500, ScalarType.Int64)]);
        var x = stack([z.to(ScalarType.Float64) * 10 + randn(1000, generator: g, dtype: ScalarType.Float64) * 10,
                       z.to(ScalarType.Float64) * 0.2 + randn(1000, generator: g, dtype: ScalarType.Float64) * 0.01], 1);
        var large = DirectionStats.Of(x, z, tensor(new[] { 1.0, 0 }))!;
        var crisp = DirectionStats.Of(x, z, tensor(new[] { 0.0, 1 }))!;
        large.MeanDifference.Should().BeGreaterThan(crisp.MeanDifference * 20);
        crisp.DPrime.Should().BeGreaterThan(large.DPrime * 10);
    }

    [Test]
    public void A_class_of_one_row_has_no_spread_and_no_stats()
    {
        DirectionStats.Of(tensor(X), tensor(new long[] { 0, 0, 0, 0, 0, 0, 0, 1 }), tensor(new[] { 1.0, 0, 0 })).Should().BeNull();
    }

    [Test]
    public void Cosine_is_unsigned()
    {
        DirectionStats.Cosine(tensor(new[] { 1.0, 0 }), tensor(new[] { -1.0, 1 })).Should().BeApproximately(Math.Sqrt(0.5), 1e-12);
    }
}
