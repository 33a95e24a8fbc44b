using Harness.Erasure;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class LogisticRegressionTests
{
    [Test]
    public void PlantedConceptIsLearnedToHighAccuracy()
    {
        using var scope = NewDisposeScope();
        var (x, z, u) = LinearConceptData.Planted(3000, 20, seed: 1, separation: 6, offset: 5);
        var (xTrain, zTrain, xTest, zTest) = LinearConceptData.Split(x, z, 2000);
        using var clf = LogisticRegression.Fit(xTrain, zTrain);
        clf.Accuracy(xTest, zTest).Should().BeGreaterThan(0.98);
        clf.Weights.shape.Should().Equal(1, 20);
        clf.Converged.Should().BeTrue();
        var cos = (clf.Weights[0] / clf.Weights[0].norm()).dot(u).item<double>();
        cos.Should().BeGreaterThan(0.9, "the weights point from class 0 to class 1 along the planted direction");
    }

    [Test]
    public void NoiseLabelsGiveChanceAccuracyOnHeldOutRows()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var x = randn([4000, 50], ScalarType.Float64, generator: g);
        var z = randint(0, 2, [4000], dtype: ScalarType.Int64, generator: g);
        var (xTrain, zTrain, xTest, zTest) = LinearConceptData.Split(x, z, 2000);
        var result = ProbeAccuracy.TrainTest(xTrain, zTrain, xTest, zTest);
        result.TestAccuracy.Should().BeInRange(0.46, 0.54);
        result.Majority.Should().BeInRange(0.46, 0.54);
        result.TrainAccuracy.Should().BeGreaterThan(result.TestAccuracy, "the probe fits some noise");
    }

    [Test]
    public void MultinomialSeparatesFourClassesWithArbitraryLabels()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Simplex(4000, 16, classes: 4, seed: 3, radius: 4);
        var labels = tensor(new long[] { 3, 7, 9, 20 }).index_select(0, z);
        var (xTrain, zTrain, xTest, zTest) = LinearConceptData.Split(x, labels, 3000);
        using var clf = LogisticRegression.Fit(xTrain.to_type(ScalarType.Float32), zTrain);
        clf.Weights.shape.Should().Equal(4, 16);
        clf.Classes.Should().Equal(3L, 7L, 9L, 20L);
        clf.Accuracy(xTest, zTest).Should().BeGreaterThan(0.95);
        clf.Predict(xTest).data<long>().ToArray().Distinct().Should().BeSubsetOf(new long[] { 3, 7, 9, 20 });
        // The softmax rows sum to zero under the L2 penalty (the minimal-norm solution).
        clf.Weights.sum(0L).abs().max().item<double>().Should().BeLessThan(1e-8);
    }

    [Test]
    public void TwoGaussiansGiveTheBayesBoundaryAtTheMidpoint()
    {
        // Class 0 ~ N(-1, 1), class 1 ~ N(3, 1), equal priors: the posterior is exactly logistic with
        // slope (3 - -1) / 1 = 4 and boundary at the midpoint 1.
        using var scope = NewDisposeScope();
        var g = new Generator(11);
        int n = 40000;
        var z = cat([zeros(n / 2, dtype: ScalarType.Int64), ones(n / 2, dtype: ScalarType.Int64)]);
        var x = (randn([n, 1], ScalarType.Float64, generator: g) + (z.to_type(ScalarType.Float64) * 4 - 1).unsqueeze(1));
        using var clf = LogisticRegression.Fit(x, z, new LogisticRegressionOptions { L2 = 0 });
        double w = clf.Weights[0, 0].item<double>(), b = clf.Bias[0].item<double>();
        (-b / w).Should().BeApproximately(1.0, 0.03);
        w.Should().BeApproximately(4.0, 0.25);
    }

    [Test]
    public void UnregularisedFitOnSeparableDataIsStillRight()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(400, 5, seed: 2, separation: 20);
        using var clf = LogisticRegression.Fit(x, z, new LogisticRegressionOptions { L2 = 0, MaxIterations = 50 });
        clf.Accuracy(x, z).Should().Be(1.0);
        clf.Weights.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Test]
    public void FitIsDeterministic()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(1000, 30, seed: 4, separation: 1, anisotropic: true);
        using var a = LogisticRegression.Fit(x, z);
        using var b = LogisticRegression.Fit(x, z);
        // Equal up to rounding: LibTorch's vectorised reductions may differ in the last bit between runs.
        (a.Weights - b.Weights).abs().max().item<double>().Should().BeLessThan(1e-12);
        (a.Bias - b.Bias).abs().max().item<double>().Should().BeLessThan(1e-12);
        a.Iterations.Should().Be(b.Iterations);
    }

    [Test]
    public void LogLossMatchesItsDefinition()
    {
        using var scope = NewDisposeScope();
        var (x, z, _) = LinearConceptData.Planted(500, 4, seed: 5, separation: 1);
        using var clf = LogisticRegression.Fit(x, z);
        var p1 = clf.Logits(x).squeeze(1).sigmoid();
        var zf = z.to_type(ScalarType.Float64);
        double expected = -(zf * p1.log() + (1 - zf) * (1 - p1).log()).mean().item<double>();
        clf.LogLoss(x, z).Should().BeApproximately(expected, 1e-10);
    }

    [Test]
    public void MajorityBaselineCountsTheMostFrequentTrainingLabel()
    {
        ProbeAccuracy.MajorityBaseline(tensor(new long[] { 1, 1, 0 }), tensor(new long[] { 0, 1, 0, 0 })).Should().Be(0.25);
        ProbeAccuracy.Majority(tensor(new long[] { 2, 2, 2, 5 })).Should().Be(0.75);
    }

    [Test]
    public void RowCountMismatchNamesTheLabels()
    {
        using var scope = NewDisposeScope();
        var act = () => LogisticRegression.Fit(zeros(10, 3), zeros(9, dtype: ScalarType.Int64));
        act.Should().Throw<HarnessException>().WithMessage("labels: has 9 labels but x has 10 rows*");
    }

    [Test]
    public void OneClassIsRejected()
    {
        using var scope = NewDisposeScope();
        var act = () => LogisticRegression.Fit(randn(10, 3), ones(10, dtype: ScalarType.Int64));
        act.Should().Throw<HarnessException>().WithMessage("labels: only one class (1)*");
    }

    [Test]
    public void NonFiniteValuesAreRejectedWithTheirRow()
    {
        using var scope = NewDisposeScope();
        var x = randn(10, 3);
        x[4, 1] = tensor(float.NaN);
        var act = () => LogisticRegression.Fit(x, tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }));
        act.Should().Throw<HarnessException>().WithMessage("x: contains NaN or infinite values (first at row 4)");
        x[4, 1] = tensor(float.PositiveInfinity);
        act.Should().Throw<HarnessException>().WithMessage("x: *infinite*");
    }

    [Test]
    public void FloatLabelsAndBadOptionsAreRejected()
    {
        using var scope = NewDisposeScope();
        var act = () => LogisticRegression.Fit(randn(4, 2), tensor(new float[] { 0, 1, 0, 1 }));
        act.Should().Throw<HarnessException>().WithMessage("labels: expected integer class labels*");
        var bad = () => LogisticRegression.Fit(randn(4, 2), tensor(new long[] { 0, 1, 0, 1 }), new LogisticRegressionOptions { L2 = -1 });
        bad.Should().Throw<HarnessException>().WithMessage("option 'l2' *");
        var vector = () => LogisticRegression.Fit(randn(4), tensor(new long[] { 0, 1, 0, 1 }));
        vector.Should().Throw<HarnessException>().WithMessage("x: expected a 2-D matrix*");
    }

    [Test]
    public void TestRowsOfAnotherDimensionAreRejected()
    {
        using var scope = NewDisposeScope();
        var z = tensor(new long[] { 0, 1, 0, 1 });
        var act = () => ProbeAccuracy.TrainTest(randn(4, 3), z, randn(4, 2), z);
        act.Should().Throw<HarnessException>().WithMessage("xTest: has dimension 2 but xTrain has dimension 3");
    }

    [Test]
    public void AProbeWithoutFeaturesPredictsTheMajorityTrainingClass()
    {
        // What a subspace with no directions leaves (INLP that stops at once, kept alone): the
        // probe has only its intercept.
        using var scope = NewDisposeScope();
        var yTrain = tensor(new long[] { 0, 1, 1, 1 });
        var yTest = tensor(new long[] { 0, 0, 1, 0, 1 });
        var r = ProbeAccuracy.TrainTest(zeros(4, 0), yTrain, zeros(5, 0), yTest);
        r.TrainAccuracy.Should().Be(0.75);
        r.TestAccuracy.Should().Be(0.4);
        r.Majority.Should().Be(0.4);
        r.TestLogLoss.Should().BeApproximately(-(3 * Math.Log(0.25) + 2 * Math.Log(0.75)) / 5, 1e-12);
    }
}
