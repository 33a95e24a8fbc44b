using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class InlpTests
{
    private static double MaxAbs(Tensor t) => t.abs().max().item<double>();

    [Test]
    public void FinalMatrixIsAnOrthogonalProjectionWhoseNullspaceHoldsEveryClassifier()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(3000, 24, seed: 31, separation: 3, anisotropic: true, offset: 1);
        var inlp = InlpEraser.Fit(x, z, new InlpOptions { MaxIterations = 6, MinAccuracyMargin = 0 });
        inlp.Rank.Should().BeGreaterThan(1);
        var p = inlp.Projection();
        MaxAbs(p - p.T).Should().BeLessThan(1e-12);
        MaxAbs(p.matmul(p) - p).Should().BeLessThan(1e-10);
        p.trace().item<double>().Should().BeApproximately(24 - inlp.Rank, 1e-9);
        var w = inlp.ClassifierWeights!;
        w.shape[0].Should().Be(inlp.Rank);
        for (int i = 0; i < w.shape[0]; i++)
            (p.matmul(w[i]).norm() / w[i].norm()).item<double>().Should().BeLessThan(1e-9, $"classifier {i}");
        MaxAbs(inlp.Directions.matmul(inlp.Directions.T) - eye(inlp.Rank, dtype: ScalarType.Float64)).Should().BeLessThan(1e-10);
        // Directions[0] is the first classifier's direction, with its sign.
        (inlp.Directions[0].dot(w[0]) / w[0].norm()).item<double>().Should().BeApproximately(1, 1e-12);
    }

    [Test]
    public void EnoughIterationsLeaveAProbeAtMajorityAccuracy()
    {
        using var scope = NewDisposeScope();
        // 4,000 scoring rows: the accuracy of a chance-level probe has a standard error of 0.8 %.
        var (x, z, _) = LinearConceptData.Planted(8000, 32, seed: 32, separation: 3, anisotropic: true, offset: 1);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 4000);
        var probe = ProbeEraser.Fit(xFit, zFit);
        ProbeAccuracy.TrainTest(probe.Apply(xFit), zFit, probe.Apply(xEval), zEval).AboveMajority
            .Should().BeGreaterThan(0.05, "one direction is not enough here");

        // Twelve classifiers, no early stop.
        var inlp = InlpEraser.Fit(xFit, zFit, new InlpOptions { MaxIterations = 12, MinAccuracyMargin = -1 });
        inlp.Rank.Should().Be(12);
        inlp.Accuracies[0].Should().BeGreaterThan(0.9);
        inlp.Accuracies[^1].Should().BeLessThan(inlp.Majority + 0.03);
        ProbeAccuracy.TrainTest(inlp.Apply(xFit), zFit, inlp.Apply(xEval), zEval).AboveMajority.Should().BeLessThan(0.02);
    }

    [Test]
    public void DefaultRuleStopsOnceAClassifierIsNearMajority()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(5000, 32, seed: 32, separation: 3, anisotropic: true, offset: 1);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 4000);
        var inlp = InlpEraser.Fit(xFit, zFit);
        inlp.Rank.Should().BeGreaterThan(1).And.BeLessThan(50);
        inlp.Accuracies.Should().HaveCount((int)inlp.Rank + 1, "one classifier per direction, plus the one that stopped it");
        inlp.Accuracies[^1].Should().BeLessThan(inlp.Majority + 0.01);
        inlp.Accuracies.SkipLast(1).Should().OnlyContain(a => a >= inlp.Majority + 0.01);
        // Most of the concept is gone; what is left is what the noisy stopping rule missed.
        ProbeAccuracy.TrainTest(inlp.Apply(xFit), zFit, inlp.Apply(xEval), zEval).AboveMajority.Should().BeLessThan(0.08);
    }

    [Test]
    public void ThreeClassesRemoveTheirPlane()
    {
        using var scope = NewDisposeScope();
        var (x, z, basis) = LinearConceptData.Simplex(8000, 16, classes: 3, seed: 33, radius: 3);
        var (xFit, zFit, xEval, zEval) = LinearConceptData.Split(x, z, 4000);
        var inlp = InlpEraser.Fit(xFit, zFit, new InlpOptions { MaxIterations = 3, MinAccuracyMargin = -1 });
        inlp.Rank.Should().Be(6, "each softmax classifier removes k - 1 = 2 directions");
        // The planted plane is inside the removed subspace.
        linalg.svdvals(basis.matmul(inlp.Directions.T)).min().item<double>().Should().BeGreaterThan(0.95);
        ProbeAccuracy.TrainTest(inlp.Apply(xFit), zFit, inlp.Apply(xEval), zEval).AboveMajority.Should().BeLessThan(0.03);
    }

    [Test]
    public void NoConceptMeansNoDirection()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(34);
        var x = randn([3000, 10], ScalarType.Float64, generator: g);
        var z = randint(0, 2, [3000], dtype: ScalarType.Int64, generator: g);
        var inlp = InlpEraser.Fit(x, z, new InlpOptions { MinAccuracyMargin = 0.05 });
        inlp.Rank.Should().Be(0);
        inlp.Accuracies.Should().HaveCount(1);
        MaxAbs(inlp.Apply(x) - x).Should().Be(0);
    }

    [Test]
    public void DevSetIsUsedForTheStoppingRule()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(3000, 12, seed: 35, separation: 3);
        var (xFit, zFit, xDev, zDev) = LinearConceptData.Split(x, z, 2000);
        var inlp = InlpEraser.Fit(xFit, zFit, new InlpOptions { MaxIterations = 3 }, xDev, zDev);
        inlp.Majority.Should().Be(ProbeAccuracy.MajorityBaseline(zFit, zDev));
        var act = () => InlpEraser.Fit(xFit, zFit, null, xDev, null);
        act.Should().Throw<HarnessException>().WithMessage("zDev: give both xDev and zDev, or neither");
    }

    [Test]
    public void FitIsDeterministicAndStateRoundTrips()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(1500, 10, seed: 36, separation: 2, anisotropic: true);
        var options = new InlpOptions { Seed = 5, MaxIterations = 4 };
        var a = InlpEraser.Fit(x, z, options);
        var b = InlpEraser.Fit(x, z, options);
        // Equal up to rounding: LibTorch's vectorised reductions may differ in the last bit between runs.
        MaxAbs(a.Directions - b.Directions).Should().BeLessThan(1e-12);
        var loaded = InlpEraser.FromState(a.State, a.Options);
        loaded.Method.Should().Be("inlp");
        loaded.Options.Should().Equal(a.Options);
        loaded.Accuracies.Should().Equal(a.Accuracies);
        loaded.Majority.Should().Be(a.Majority);
        MaxAbs(loaded.Apply(x) - a.Apply(x)).Should().Be(0);
    }

    [Test]
    public void BadInputsNameTheArgument()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(60, 4, seed: 1, separation: 1);
        var rows = () => InlpEraser.Fit(x, z[..10]);
        rows.Should().Throw<HarnessException>().WithMessage("z: has 10 labels but x has 60 rows*");
        var oneClass = () => InlpEraser.Fit(x, zeros(60, dtype: ScalarType.Int64));
        oneClass.Should().Throw<HarnessException>().WithMessage("z: only one class (0)*");
        var nan = x.clone();
        nan[0, 0] = tensor(double.NaN);
        var nanAct = () => InlpEraser.Fit(nan, z);
        nanAct.Should().Throw<HarnessException>().WithMessage("x: contains NaN or infinite values (first at row 0)");
        var iterations = () => InlpEraser.Fit(x, z, new InlpOptions { MaxIterations = 0 });
        iterations.Should().Throw<HarnessException>().WithMessage("option 'iterations' must be an integer of at least 1, got '0'");
        var fraction = () => InlpEraser.Fit(x, z, new InlpOptions { HoldOutFraction = 1 });
        fraction.Should().Throw<HarnessException>().WithMessage("option 'holdout_fraction' *");
        var labels = () => InlpEraser.Fit(x, z.to_type(ScalarType.Float32));
        labels.Should().Throw<HarnessException>().WithMessage("z: expected integer class labels*");
    }
}
