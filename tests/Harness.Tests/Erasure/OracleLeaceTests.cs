using Harness.Erasure;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class OracleLeaceTests
{
    private static OracleLeaceEraser Fit(Tensor x, Tensor z, OracleLeaceOptions? options = null) =>
        OracleLeaceFitter.Fit(new EraserData(x, z), options);

    [TestCase(2)]
    [TestCase(3)]
    public void MatchesTheLeastSquaresResidual(int classes)
    {
        // Independent check: x - (Z - mean Z) beta with beta = (Zc^T Zc)^-1 Zc^T Xc, the OLS
        // coefficients (for k one-hot classes, drop the last column: the others span the same).
        var (x, labels) = Synthetic.Classes(n: 90, d: 5, k: classes, seed: 30 + classes);
        var erased = Fit(x, labels).Apply(x, labels);

        var z = PlainLeace.Encode(Synthetic.Labels(labels), classes);
        var (zIndependent, _) = Plain.IndependentColumns(Plain.Centre(z, Plain.Mean(z)));
        var xa = Synthetic.ToArray(x);
        var xc = Plain.Centre(xa, Plain.Mean(xa));
        var beta = Plain.Solve(Plain.Multiply(Plain.Transpose(zIndependent), zIndependent), Plain.Multiply(Plain.Transpose(zIndependent), xc));
        var fitted = Plain.Multiply(zIndependent, beta);
        var expected = new double[xa.GetLength(0), xa.GetLength(1)];
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++) expected[i, j] = xa[i, j] - fitted[i, j];
        Tensors.MaxDifference(erased, Synthetic.FromArray(expected)).Should().BeLessThan(1e-9);
    }

    [TestCase(2)]
    [TestCase(4)]
    public void LogisticRegressionLearnsNothingAfterOracleErasure(int classes)
    {
        var (x, labels) = Synthetic.Classes(n: 400, d: 6, k: classes, seed: 41 + classes, favourFirst: true);
        var y = Synthetic.Labels(labels);
        var erased = Fit(x, labels).Apply(x, labels);
        var after = PlainLogisticRegression.Train(Synthetic.ToArray(erased), y, classes);
        after.LargestCoefficient.Should().BeLessThan(1e-6);
        after.Accuracy.Should().Be(PlainLogisticRegression.Chance(y));
    }

    [Test]
    public void EditsNoMoreThanLeace()
    {
        var (x, labels) = Synthetic.Classes(n: 300, d: 8, k: 3, seed: 5);
        double oracle = (Fit(x, labels).Apply(x, labels) - x).square().sum(dim: 1).mean().item<double>();
        double leace = (LeaceFitter.Fit(new EraserData(x, labels), new LeaceOptions { Shrinkage = false }).Apply(x) - x).square().sum(dim: 1).mean().item<double>();
        oracle.Should().BeLessThanOrEqualTo(leace);
    }

    [Test]
    public void StreamingEqualsOneBatch()
    {
        var (x, z) = Synthetic.Continuous(n: 120, d: 5, k: 2, seed: 3);
        var whole = new OracleLeaceFitter(5, Concept.Continuous(2)).Update(x, z);
        var streamed = new OracleLeaceFitter(5, Concept.Continuous(2));
        for (int start = 0; start < 120; start += 50)
            streamed.Update(x.narrow(0, start, Math.Min(50, 120 - start)), z.narrow(0, start, Math.Min(50, 120 - start)));
        Tensors.MaxDifference(streamed.SigmaZz(), whole.SigmaZz()).Should().BeLessThan(1e-12);
        Tensors.MaxDifference(streamed.Eraser.Apply(x, z), whole.Eraser.Apply(x, z)).Should().BeLessThan(1e-10);
        // No correlation with the concept is left.
        var erased = whole.Eraser.Apply(x, z);
        (erased - erased.mean(new long[] { 0 })).t().mm(z - z.mean(new long[] { 0 })).abs().max().item<double>().Should().BeLessThan(1e-9);
    }

    [Test]
    public void NeedsTheConceptAtEraseTime()
    {
        var (x, labels) = Synthetic.Classes(n: 40, d: 3, k: 2, seed: 1);
        var eraser = Fit(x, labels);
        var act = () => eraser.Apply(x);
        act.Should().Throw<HarnessException>().WithMessage("z: an oracle-leace eraser needs the concept of each row at erase time");
        var wrongKind = () => eraser.Apply(x, x.narrow(1, 0, 1));
        wrongKind.Should().Throw<HarnessException>().WithMessage("z: expected integer class labels [rows] (int64 or int32) for a concept of 2 classes, got float64 [40, 1]");
        var outOfRange = () => eraser.Apply(x, labels * 2);
        outOfRange.Should().Throw<HarnessException>().WithMessage("z: label 2 at row * is outside 0..1 (2 classes)");
    }

    [Test]
    public void ASmallClassBelowSvdTolIsNotErased()
    {
        // As in the library: the covariance of a 0/1 column is p (1 - p), and with p(1 - p) at or
        // below svd_tol the pseudo-inverse drops it, so nothing is erased.
        var (x, _) = Synthetic.Classes(n: 200, d: 3, k: 2, seed: 2);
        var labels = zeros(200, dtype: ScalarType.Int64);
        labels[0] = 1; // p = 1/200, p (1 - p) n / (n - 1) ~ 0.005 < 0.01
        Tensors.MaxDifference(Fit(x, labels).Apply(x, labels), x).Should().Be(0);
        Tensors.MaxDifference(Fit(x, labels, new OracleLeaceOptions { SvdTol = 1e-3 }).Apply(x, labels), x).Should().BeGreaterThan(0);
    }
}
