using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class RlaceTests
{
    private static double MaxAbs(Tensor t) => t.abs().max().item<double>();

    private static Tensor RandomSymmetric(int d, int seed, double scale = 1)
    {
        var a = randn([d, d], ScalarType.Float64, generator: new Generator((ulong)seed)) * scale;
        return (a + a.T) * 0.5;
    }

    [TestCase(1, 1.0)]
    [TestCase(3, 1.0)]
    [TestCase(3, 0.01)]
    [TestCase(5, 10.0)]
    public void FantopeProjectionHasEigenvaluesInTheUnitIntervalSummingToTheRank(int rank, double scale)
    {
        using var scope = NewDisposeScope();
        var p = Fantope.Project(RandomSymmetric(12, rank, scale), rank);
        MaxAbs(p - p.T).Should().BeLessThan(1e-12);
        var eigenvalues = linalg.eigvalsh(p);
        eigenvalues.min().item<double>().Should().BeGreaterThan(-1e-10);
        eigenvalues.max().item<double>().Should().BeLessThan(1 + 1e-10);
        eigenvalues.sum().item<double>().Should().BeApproximately(rank, 1e-9);
    }

    [Test]
    public void FantopeProjectionIsIdempotent()
    {
        using var scope = NewDisposeScope();
        var once = Fantope.Project(RandomSymmetric(10, 1), 2);
        var twice = Fantope.Project(once, 2);
        MaxAbs(twice - once).Should().BeLessThan(1e-10);
    }

    [Test]
    public void FantopeKeepsAProjectionOfTheRightRankAndIsNearestPoint()
    {
        using var scope = NewDisposeScope();
        var (q, _) = linalg.qr(randn([8, 2], ScalarType.Float64, generator: new Generator(3)));
        var projection = q.matmul(q.T);
        MaxAbs(Fantope.Project(projection, 2) - projection).Should().BeLessThan(1e-10);
        // A diagonal matrix: the projection acts on the diagonal, clamp(l - theta, 0, 1) summing to 1.
        var p = Fantope.Project(diag(tensor(new double[] { 3, 0.5, 0.2, -1 })), 1);
        p.diag().data<double>().ToArray().Should().Equal(new[] { 1.0, 0, 0, 0 }, (a, b) => Math.Abs(a - b) < 1e-12);
        var spread = Fantope.Project(diag(tensor(new double[] { 0.3, 0.2, 0.1, 0 })), 2);
        // theta = -0.35: 0.65, 0.55, 0.45, 0.35.
        spread.diag().data<double>().ToArray().Should().Equal(new[] { 0.65, 0.55, 0.45, 0.35 }, (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Test]
    public void FactoredAdversaryStepEqualsTheDenseStepAndProjection()
    {
        using var scope = NewDisposeScope();
        int d = 9;
        var x = randn([40, d], ScalarType.Float64, generator: new Generator(5));
        var y = Enumerable.Range(0, 40).Select(i => (long)(i % 2)).ToArray();
        using var game = new RlaceGame(x, y, [0, 1], new RlaceOptions { Rank = 2 });
        var g = new Generator(6);
        var dense = game.DenseP();
        dense.trace().item<double>().Should().BeApproximately(2, 1e-12, "P starts at a rank-2 projection");
        for (int step = 0; step < 8; step++)
        {
            var a = randn([d, 1], ScalarType.Float64, generator: g);
            var b = randn([d, 1], ScalarType.Float64, generator: g);
            double alpha = 0.99, beta = step < 3 ? -0.05 : -2.0;
            game.ApplyUpdate(alpha, a, b, beta);
            dense = Fantope.Project(dense * alpha + (a.matmul(b.T) + b.matmul(a.T)) * beta, 2);
            MaxAbs(game.DenseP() - dense).Should().BeLessThan(1e-9, $"step {step}");
        }
    }

    [Test]
    public void OutputIsARankKOrthogonalProjectionThatErasesThePlantedConcept()
    {
        using var scope = NewDisposeScope();
        var (x, z, u) = LinearConceptData.Planted(3000, 24, seed: 21, separation: 3, anisotropic: true, scale: 2, offset: 3);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 2000);
        var before = ProbeAccuracy.TrainTest(xFit, zFit, xEval, zEval);
        before.AboveMajority.Should().BeGreaterThan(0.2, "the concept is planted strongly");

        var eraser = RlaceEraser.Fit(xFit, zFit, new RlaceOptions { Rank = 2, Seed = 1 });
        var p = eraser.Projection();
        MaxAbs(p - p.T).Should().BeLessThan(1e-12);
        MaxAbs(p.matmul(p) - p).Should().BeLessThan(1e-10);
        p.trace().item<double>().Should().BeApproximately(24 - 2, 1e-9);
        eraser.Directions.shape.Should().Equal(2, 24);
        eraser.Centre.abs().max().item<double>().Should().Be(0);

        var after = ProbeAccuracy.TrainTest(eraser.Apply(xFit), zFit, eraser.Apply(xEval), zEval);
        after.AboveMajority.Should().BeLessThan(0.03);
        // The planted direction lies (almost) in the erased plane.
        eraser.Directions.matmul(u).norm().item<double>().Should().BeGreaterThan(0.95);
        eraser.Report!.ReachedEpsilon.Should().BeTrue();
    }

    [Test]
    public void RankOneRecoversThePlantedDirectionAndIsDeterministic()
    {
        using var scope = NewDisposeScope();
        var (x, z, u) = LinearConceptData.Planted(2500, 16, seed: 8, separation: 2.5, anisotropic: true);
        var options = new RlaceOptions { Seed = 3 };
        var a = RlaceEraser.Fit(x, z, options);
        var b = RlaceEraser.Fit(x, z, options);
        // Equal up to rounding: LibTorch's vectorised reductions may differ in the last bit between runs.
        MaxAbs(a.Directions - b.Directions).Should().BeLessThan(1e-12);
        a.Report!.Evaluations.Select(e => e.Step).Should().Equal(b.Report!.Evaluations.Select(e => e.Step));
        a.Report!.Steps.Should().Be(b.Report!.Steps);
        Math.Abs(a.Directions[0].dot(u).item<double>()).Should().BeGreaterThan(0.98);
    }

    [Test]
    public void ThreeClassesOnOneLineNeedOneDirection()
    {
        using var scope = NewDisposeScope();
        var (x, z, u) = LinearConceptData.Planted(3000, 12, seed: 4, separation: 3, classes: 3);
        var eraser = RlaceEraser.Fit(x, z, new RlaceOptions { Seed = 2 });
        Math.Abs(eraser.Directions[0].dot(u).item<double>()).Should().BeGreaterThan(0.95);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(eraser.Apply(x), z, 2000);
        ProbeAccuracy.TrainTest(xFit, zFit, xEval, zEval).AboveMajority.Should().BeLessThan(0.04);
    }

    [Test]
    public void SavedStateRebuildsTheSameEraser()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(1000, 8, seed: 9, separation: 3);
        var eraser = RlaceEraser.Fit(x, z, new RlaceOptions { Seed = 4, MaxSteps = 300 });
        var loaded = RlaceEraser.FromState(eraser.State, eraser.Options);
        loaded.Method.Should().Be("rlace");
        loaded.Options.Should().Equal(eraser.Options);
        MaxAbs(loaded.Apply(x) - eraser.Apply(x)).Should().Be(0);
        var x32 = x.to_type(ScalarType.Float32);
        loaded.Apply(x32).dtype.Should().Be(ScalarType.Float32);
    }

    [Test]
    public void RankLargerThanTheDimensionIsRejected()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(100, 4, seed: 1, separation: 1);
        var act = () => RlaceEraser.Fit(x, z, new RlaceOptions { Rank = 5 });
        act.Should().Throw<HarnessException>().WithMessage("rank: 5 is larger than the dimension d = 4 of x");
        var zero = () => RlaceEraser.Fit(x, z, new RlaceOptions { Rank = 0 });
        zero.Should().Throw<HarnessException>().WithMessage("option 'rank' *");
        var fantope = () => Fantope.Project(eye(3), 4);
        fantope.Should().Throw<HarnessException>().WithMessage("rank: *");
    }

    [Test]
    public void BadInputsNameTheArgument()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(100, 4, seed: 1, separation: 1);
        var rows = () => RlaceEraser.Fit(x, z[..99]);
        rows.Should().Throw<HarnessException>().WithMessage("z: has 99 labels but x has 100 rows*");
        var oneClass = () => RlaceEraser.Fit(x, zeros(100, dtype: ScalarType.Int64));
        oneClass.Should().Throw<HarnessException>().WithMessage("z: only one class*");
        var nan = x.clone();
        nan[7, 2] = tensor(double.NaN);
        var nanAct = () => RlaceEraser.Fit(nan, z);
        nanAct.Should().Throw<HarnessException>().WithMessage("x: contains NaN or infinite values (first at row 7)");
        var dev = () => RlaceEraser.Fit(x, z, xDev: x[.., ..3], zDev: z);
        dev.Should().Throw<HarnessException>().WithMessage("xDev: has dimension 3*");
        var options = () => RlaceEraser.FromState(new Dictionary<string, Tensor> { ["directions"] = eye(2, 4) },
            new Dictionary<string, string> { ["lr_p"] = "fast" });
        options.Should().Throw<HarnessException>().WithMessage("option 'lr_p' must be a number above 0, got 'fast'");
        var apply = () => RlaceEraser.FromState(new Dictionary<string, Tensor> { ["directions"] = eye(1, 4, dtype: ScalarType.Float64) },
            new Dictionary<string, string>()).Apply(randn(3, 5));
        apply.Should().Throw<HarnessException>().WithMessage("x: expected rows of dimension 4*");
        var rank = () => RlaceEraser.FromState(new Dictionary<string, Tensor> { ["directions"] = eye(1, 4, dtype: ScalarType.Float64) },
            new Dictionary<string, string> { ["rank"] = "2" });
        rank.Should().Throw<HarnessException>().WithMessage("state: the rlace directions have 1 rows but the options say rank 2");
    }
}
