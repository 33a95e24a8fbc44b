using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

/// The draws of a null: draw 0 is the basis `fit` returns, every draw is orthonormal, and
/// covariance draws follow the rows' variance where isotropic ones do not.
public class RandomDirectionsTests
{
    [Test]
    public void DrawZeroIsTheFittedBasisAndEveryDrawIsOrthonormal()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 50, 8 }, dtype: ScalarType.Float64, generator: new Generator(1));
        foreach (var kind in new[] { RandomDirections.Isotropic, RandomDirections.Covariance, RandomDirections.Coordinates })
        {
            var draws = RandomDirections.Draws(x, rank: 2, seed: 4, kind, count: 5);
            draws.Should().HaveCount(5);
            var fitted = RandomDirections.Fit(new EraserData(x), rank: 2, seed: 4, kind: kind);
            Tensors.MaxDifference(draws[0], fitted.Directions).Should().Be(0, kind);
            foreach (var d in draws)
                Tensors.MaxDifference(d.mm(d.t()), eye(2, dtype: ScalarType.Float64)).Should().BeLessThan(1e-12);
            Tensors.MaxDifference(draws[1], draws[0]).Should().BeGreaterThan(1e-3, "each draw is new");
        }
    }

    [Test]
    public void CovarianceDrawsFollowTheRowsVariance()
    {
        using var scope = NewDisposeScope();
        // Rows with standard deviation 10 along the first axis and 1 along the 15 others: a
        // covariance draw g ~ N(0, Σ) has E g_0² = 100 against 15 for the rest, so its unit vector
        // lies mostly along axis 0; an isotropic one has u_0² = 1/16 on average.
        var scale = ones(16, dtype: ScalarType.Float64);
        scale[0] = 10;
        var x = randn(new long[] { 2000, 16 }, dtype: ScalarType.Float64, generator: new Generator(2)) * scale;
        double Along0(string kind) => RandomDirections.Draws(x, 1, 0, kind, 200).Average(d => Math.Pow(d[0, 0].item<double>(), 2));
        Along0(RandomDirections.Covariance).Should().BeGreaterThan(0.6);
        Along0(RandomDirections.Isotropic).Should().BeInRange(0.03, 0.1);
    }

    [Test]
    public void CoordinateDrawsZeroDistinctCoordinatesWhenProjectedOutAroundTheOrigin()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 30, 12 }, dtype: ScalarType.Float64, generator: new Generator(5)) + 3;
        var counts = new int[12];
        foreach (var d in RandomDirections.Draws(x, rank: 4, seed: 1, RandomDirections.Coordinates, count: 300))
        {
            // Rows are distinct standard basis vectors.
            var picked = Enumerable.Range(0, 4).Select(i => (int)d[i].argmax().item<long>()).ToArray();
            picked.Distinct().Should().HaveCount(4);
            Tensors.MaxDifference(d.abs().sum([1]), ones(4, dtype: ScalarType.Float64)).Should().Be(0);
            foreach (var i in picked) counts[i]++;
            // Projected out around 0 (affine off): exactly those coordinates become 0, the others stay.
            var eraser = RandomDirections.Eraser(x, d, rank: 4, seed: 1, affine: false, RandomDirections.Coordinates);
            var erased = x - (x - eraser.Centre).mm(d.t()).mm(d);
            foreach (var i in Enumerable.Range(0, 12))
                Tensors.MaxDifference(erased[.., i], picked.Contains(i) ? zeros(30, dtype: ScalarType.Float64) : x[.., i]).Should().Be(0);
        }
        // Uniform over coordinates: each is picked 300 * 4 / 12 = 100 times on average.
        counts.Should().OnlyContain(c => c > 60 && c < 140);
    }

    [Test]
    public void ABadKindIsRefused()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 5, 4 }, dtype: ScalarType.Float64);
        FluentActions.Invoking(() => RandomDirections.Fit(new EraserData(x), kind: "gaussian"))
            .Should().Throw<UsageException>().WithMessage("random: kind must be isotropic, covariance or coordinates*");
    }
}
