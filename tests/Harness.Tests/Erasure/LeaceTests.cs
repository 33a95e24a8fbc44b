using Harness.Erasure;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

public class LeaceTests
{
    // Four points, two per class (hand example):
    //   A = (0, 0), B = (2, 0) in class 0;  C = (1, 1), D = (3, 1) in class 1.
    // mean = (1.5, 0.5); with z = (0, 0, 1, 1), sum (x - mean)(z - 0.5) = (1, 1), so
    // Sigma_xz = (1, 1) / 3; sum (x - mean)(x - mean)^T = [[5, 1], [1, 1]], Sigma = that / 3.
    private static readonly double[,] Square = { { 0, 0 }, { 2, 0 }, { 1, 1 }, { 3, 1 } };
    private static readonly long[] SquareLabels = { 0, 0, 1, 1 };

    private static LeaceEraser Fit(Tensor x, Tensor z, LeaceOptions? options = null) =>
        LeaceFitter.Fit(new EraserData(x, z), options);

    [Test]
    public void HandExampleWithoutShrinkage()
    {
        // Sigma^-1 Sigma_xz is along (0, 1), so the LEACE edit is (1, 1) (y - 0.5): each point moves
        // along the cross-covariance until its y is the mean's. A' = (.5, .5), B' = (2.5, .5),
        // C' = (.5, .5), D' = (2.5, .5): both classes now have mean (1.5, .5).
        var erased = Fit(Synthetic.FromArray(Square), tensor(SquareLabels), new LeaceOptions { Shrinkage = false }).Apply(Synthetic.FromArray(Square));
        Synthetic.ToArray(erased).Should().BeEquivalentTo(new double[,] { { .5, .5 }, { 2.5, .5 }, { .5, .5 }, { 2.5, .5 } },
            o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
    }

    [Test]
    public void HandExampleWithShrinkage()
    {
        // S_n = [[5, 1], [1, 1]] / 4: trace 1.5, s0 = 1.125, |S_n|^2 = 1.75, top = 2.25 * 1.125 / 4,
        // bottom = 1.75 * 1.125 - 1.125^2, alpha = 1 - 0.6328125 / 0.703125 = 0.1, beta = 0.9, so
        // Sigma = 0.1 S_n + 0.9 * 0.75 I = [[0.8, 0.025], [0.025, 0.7]] and Sigma^-1 (1, 1) is along
        // (0.675, 0.775). The edit is (1, 1) (0.675 (x - 1.5) + 0.775 (y - 0.5)) / 1.45: it moves A and
        // C by -28/29 and +1/29 ... giving A' = C' = (28/29, 28/29), B' = D' = (2 + 1/29, 1/29).
        var fitter = new LeaceFitter(2, Concept.Labels(2)).Update(Synthetic.FromArray(Square), tensor(SquareLabels));
        Synthetic.ToArray(fitter.SigmaXx()).Should().BeEquivalentTo(new double[,] { { 0.8, 0.025 }, { 0.025, 0.7 } },
            o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-14)).WhenTypeIs<double>());
        var erased = Synthetic.ToArray(fitter.Eraser.Apply(Synthetic.FromArray(Square)));
        double a = 28.0 / 29, b = 1.0 / 29;
        erased.Should().BeEquivalentTo(new double[,] { { a, a }, { 2 + b, b }, { a, a }, { 2 + b, b } },
            o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
    }

    [Test]
    public void HandExampleOrthogonal()
    {
        // orth projects out u = (1, 1)/sqrt 2 around the mean: A' = (1, 1), B' = (2, 0), C' = (1, 1),
        // D' = (2, 0). Its summed squared edit is 4, against LEACE's 2.
        var eraser = Fit(Synthetic.FromArray(Square), tensor(SquareLabels), new LeaceOptions { Orth = true });
        var erased = eraser.Apply(Synthetic.FromArray(Square));
        Synthetic.ToArray(erased).Should().BeEquivalentTo(new double[,] { { 1, 1 }, { 2, 0 }, { 1, 1 }, { 2, 0 } },
            o => o.Using<double>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-12)).WhenTypeIs<double>());
        (erased - Synthetic.FromArray(Square)).square().sum().item<double>().Should().BeApproximately(4, 1e-12);
    }

    [TestCase(2, true, true, false)]
    [TestCase(2, false, true, false)]
    [TestCase(2, true, false, false)]
    [TestCase(2, false, false, false)]
    [TestCase(3, true, true, false)]
    [TestCase(3, false, true, false)]
    [TestCase(5, true, true, false)]
    [TestCase(5, false, false, false)]
    [TestCase(2, false, true, true)]
    [TestCase(4, false, false, true)]
    public void MatchesThePlainClosedForm(int classes, bool shrinkage, bool affine, bool orth)
    {
        var (x, labels) = Synthetic.Classes(n: 60, d: 7, k: classes, seed: 11 + classes, separation: 1.5);
        var options = new LeaceOptions { Shrinkage = shrinkage, Affine = affine, Orth = orth };
        var erased = Fit(x, labels, options).Apply(x);
        var expected = PlainLeace.Erase(Synthetic.ToArray(x), PlainLeace.Encode(Synthetic.Labels(labels), classes), shrinkage, affine, orth);
        Tensors.MaxDifference(erased, Synthetic.FromArray(expected)).Should().BeLessThan(1e-9);
    }

    [Test]
    public void MatchesThePlainClosedFormForAContinuousConcept()
    {
        var (x, z) = Synthetic.Continuous(n: 80, d: 6, k: 2, seed: 5);
        var erased = Fit(x, z).Apply(x);
        var expected = PlainLeace.Erase(Synthetic.ToArray(x), Synthetic.ToArray(z));
        Tensors.MaxDifference(erased, Synthetic.FromArray(expected)).Should().BeLessThan(1e-9);
        // No linear correlation with any concept column is left.
        var xc = erased - erased.mean(new long[] { 0 });
        var zc = z - z.mean(new long[] { 0 });
        xc.t().mm(zc).abs().max().item<double>().Should().BeLessThan(1e-9);
    }

    [Test]
    public void BinaryLabelsEraseLikeATwoColumnOneHot()
    {
        // The library is handed either the 0/1 labels or their one-hot; both give the same eraser.
        var (x, labels) = Synthetic.Classes(n: 50, d: 5, k: 2, seed: 3);
        var oneHot = nn.functional.one_hot(labels, 2).to_type(ScalarType.Float64);
        Tensors.MaxDifference(Fit(x, labels).Apply(x), Fit(x, oneHot).Apply(x)).Should().BeLessThan(1e-10);
        Tensors.MaxDifference(Fit(x, labels).Apply(x), Fit(x, labels.to_type(ScalarType.Int32)).Apply(x)).Should().Be(0);
    }

    [TestCase(2)]
    [TestCase(4)]
    public void LogisticRegressionLearnsNothingAfterLeace(int classes)
    {
        var (x, labels) = Synthetic.Classes(n: 400, d: 6, k: classes, seed: 21 + classes, favourFirst: true);
        var y = Synthetic.Labels(labels);
        double chance = PlainLogisticRegression.Chance(y);

        var before = PlainLogisticRegression.Train(Synthetic.ToArray(x), y, classes);
        before.LargestCoefficient.Should().BeGreaterThan(0.05);
        before.Accuracy.Should().BeGreaterThan(chance + 0.1);

        var erased = Fit(x, labels).Apply(x);
        var after = PlainLogisticRegression.Train(Synthetic.ToArray(erased), y, classes);
        after.LargestCoefficient.Should().BeLessThan(1e-6);
        after.Accuracy.Should().Be(chance);
    }

    [Test]
    public void ClassMeansAgreeAndTheMeanIsKept()
    {
        var (x, labels) = Synthetic.Classes(n: 300, d: 8, k: 3, seed: 4);
        var erased = Fit(x, labels).Apply(x);
        Tensors.MaxDifference(erased.mean(new long[] { 0 }), x.mean(new long[] { 0 })).Should().BeLessThan(1e-10);
        var means = Enumerable.Range(0, 3).Select(c => erased.index_select(0, labels.eq(c).nonzero().squeeze(1)).mean(new long[] { 0 })).ToList();
        Tensors.MaxDifference(means[0], means[1]).Should().BeLessThan(1e-10);
        Tensors.MaxDifference(means[0], means[2]).Should().BeLessThan(1e-10);
    }

    [TestCase(2)]
    [TestCase(3)]
    public void LeaceEditsNoMoreThanTheOrthogonalProjection(int classes)
    {
        var (x, labels) = Synthetic.Classes(n: 300, d: 8, k: classes, seed: 9);
        double MeanSquaredEdit(LeaceOptions o) => (Fit(x, labels, o).Apply(x) - x).square().sum(dim: 1).mean().item<double>();
        double leace = MeanSquaredEdit(new LeaceOptions { Shrinkage = false });
        double orth = MeanSquaredEdit(new LeaceOptions { Orth = true });
        leace.Should().BeLessThanOrEqualTo(orth);
        leace.Should().BeLessThan(orth * 0.99, "the correlated noise makes the oblique projection strictly better here");
    }

    [Test]
    public void StreamingEqualsOneBatch()
    {
        var (x, labels) = Synthetic.Classes(n: 250, d: 6, k: 3, seed: 8);
        var whole = new LeaceFitter(6, Concept.Labels(3)).Update(x, labels);
        var streamed = new LeaceFitter(6, Concept.Labels(3));
        foreach (var (start, length) in new[] { (0L, 7L), (7L, 100L), (107L, 1L), (108L, 142L) })
            streamed.Update(x.narrow(0, start, length), labels.narrow(0, start, length));
        streamed.Rows.Should().Be(250);
        Tensors.MaxDifference(streamed.MeanX, whole.MeanX).Should().BeLessThan(1e-12);
        Tensors.MaxDifference(streamed.SigmaXx(), whole.SigmaXx()).Should().BeLessThan(1e-12);
        Tensors.MaxDifference(streamed.SigmaXz(), whole.SigmaXz()).Should().BeLessThan(1e-12);
        Tensors.MaxDifference(streamed.Eraser.Apply(x), whole.Eraser.Apply(x)).Should().BeLessThan(1e-10);

        // The statistics are the plain ones: mean, (x - mean)^T (x - mean) / (n - 1) before shrinkage.
        var plain = new LeaceFitter(6, Concept.Labels(3), new LeaceOptions { Shrinkage = false }).Update(x, labels);
        var xc = x - x.mean(new long[] { 0 });
        Tensors.MaxDifference(plain.SigmaXx(), xc.t().mm(xc) / 249.0).Should().BeLessThan(1e-12);
    }

    [Test]
    public void TheEraserIsRecomputedAfterAnUpdate()
    {
        var (x, labels) = Synthetic.Classes(n: 100, d: 4, k: 2, seed: 1);
        var fitter = new LeaceFitter(4, Concept.Labels(2)).Update(x.narrow(0, 0, 50), labels.narrow(0, 0, 50));
        var first = fitter.Eraser;
        fitter.Eraser.Should().BeSameAs(first);
        fitter.Update(x.narrow(0, 50, 50), labels.narrow(0, 50, 50));
        fitter.Eraser.Should().NotBeSameAs(first);
        Tensors.MaxDifference(fitter.Eraser.P, first.P).Should().BeGreaterThan(1e-6);
    }

    [Test]
    public void ErasingTwiceEqualsErasingOnce()
    {
        var (x, labels) = Synthetic.Classes(n: 200, d: 6, k: 3, seed: 2);
        foreach (var options in new[] { new LeaceOptions(), new LeaceOptions { Affine = false }, new LeaceOptions { Orth = true } })
        {
            var eraser = Fit(x, labels, options);
            var once = eraser.Apply(x);
            Tensors.MaxDifference(eraser.Apply(once), once).Should().BeLessThan(1e-10);
        }
    }

    [Test]
    public void TheEditNeverIncreasesTheCovarianceTrace()
    {
        var (x, labels) = Synthetic.Classes(n: 200, d: 10, k: 4, seed: 6);
        var fitter = new LeaceFitter(10, Concept.Labels(4)).Update(x, labels);
        var sigma = fitter.SigmaXx();
        var p = fitter.Eraser.P;
        p.mm(sigma).mm(p.t()).trace().item<double>().Should().BeLessThanOrEqualTo(sigma.trace().item<double>());
    }

    [Test]
    public void DirectionBasisSpansEveryEdit()
    {
        var (x, labels) = Synthetic.Classes(n: 200, d: 9, k: 4, seed: 12);
        var eraser = Fit(x, labels);
        var directions = eraser.Directions;
        directions.shape.Should().Equal(3, 9); // k - 1 directions for k one-hot classes
        Subspace.OrthonormalityError(directions).Should().BeLessThan(1e-12);
        var edits = x - eraser.Apply(x);
        var outside = edits - edits.mm(directions.t()).mm(directions);
        outside.abs().max().item<double>().Should().BeLessThan(1e-10);
        Tensors.MaxDifference(eraser.Centre, x.mean(new long[] { 0 })).Should().BeLessThan(1e-12);
        Fit(x, labels, new LeaceOptions { Affine = false }).Centre.abs().max().item<double>().Should().Be(0);
    }

    [Test]
    public void MoreDimensionsThanRowsStillErases()
    {
        // d > n: the sample covariance is singular; shrinkage makes it invertible.
        var (x, labels) = Synthetic.Classes(n: 20, d: 50, k: 2, seed: 14);
        var erased = Fit(x, labels).Apply(x);
        erased.isfinite().all().item<bool>().Should().BeTrue();
        var m0 = erased.index_select(0, labels.eq(0).nonzero().squeeze(1)).mean(new long[] { 0 });
        var m1 = erased.index_select(0, labels.eq(1).nonzero().squeeze(1)).mean(new long[] { 0 });
        Tensors.MaxDifference(m0, m1).Should().BeLessThan(1e-9);
        // Without shrinkage too (the pseudo-inverse square root drops the null space).
        var unshrunk = Fit(x, labels, new LeaceOptions { Shrinkage = false }).Apply(x);
        unshrunk.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Test]
    public void Float32RowsStayFloat32()
    {
        var (x, labels) = Synthetic.Classes(n: 200, d: 6, k: 2, seed: 15);
        var x32 = x.to_type(ScalarType.Float32);
        var eraser = Fit(x32, labels);
        var erased = eraser.Apply(x32);
        erased.dtype.Should().Be(ScalarType.Float32);
        Tensors.MaxDifference(erased, Fit(x, labels).Apply(x)).Should().BeLessThan(1e-4);
        // Rows of any leading shape [..., d].
        eraser.Apply(x32.reshape(20, 10, 6)).shape.Should().Equal(20, 10, 6);
    }

    [Test]
    public void ShrinkageFollowsTheFormula()
    {
        var sn = tensor(new double[] { 5, 1, 1, 1 }, new long[] { 2, 2 }) / 4;
        var shrunk = Shrinkage.OptimalLinear(sn, 4);
        Tensors.MaxDifference(shrunk, tensor(new double[] { 0.8, 0.025, 0.025, 0.7 }, new long[] { 2, 2 })).Should().BeLessThan(1e-14);
        // The zero matrix stays zero (the eps terms keep it finite).
        Shrinkage.OptimalLinear(zeros(3, 3, dtype: ScalarType.Float64), 10).abs().max().item<double>().Should().Be(0);
    }

    [Test]
    public void NothingToEraseGivesTheIdentity()
    {
        // The concept is independent of x in the sample: exactly zero cross-covariance.
        var x = tensor(new double[] { 1, 2, 3, 4, 1, 2, 3, 4 }, new long[] { 4, 2 });
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        var eraser = Fit(x, labels);
        eraser.Directions.shape[0].Should().Be(0);
        Tensors.MaxDifference(eraser.Apply(x), x).Should().Be(0);
    }

    [Test]
    public void TraceConstraintMixesTowardsTheOrthogonalProjection()
    {
        // LEACE's own P never increases the trace, so feed the constraint an oblique P that does:
        // sigma = I, P = I - a b^T with a = (1, 2, 0), b = (1, 0, 0), u = (1, 0, 0), all rotated by a
        // random orthogonal R. tr P P^T = 6 > 3; with Q = I - u u^T, P' = alpha P + (1 - alpha) Q has
        // trace 4 alpha^2 + 2, so alpha = 1/2 and P' = R [[0, 0, 0], [-1, 1, 0], [0, 0, 1]] R^T.
        using var generator = new torch.Generator(7, CPU);
        var (r, _) = linalg.qr(randn(new long[] { 3, 3 }, dtype: ScalarType.Float64, generator: generator));
        var a = r.mm(tensor(new double[] { 1, 2, 0 }, new long[] { 3, 1 }));
        var b = r.mm(tensor(new double[] { 1, 0, 0 }, new long[] { 3, 1 }));
        var u = b.clone();
        var sigma = eye(3, dtype: ScalarType.Float64);
        var (left, right) = LeaceFitter.ConstrainCovarianceTrace(a, b.t(), u, sigma);

        var expected = r.mm(tensor(new double[] { 0, 0, 0, -1, 1, 0, 0, 0, 1 }, new long[] { 3, 3 })).mm(r.t());
        var mixed = eye(3, dtype: ScalarType.Float64) - left.mm(right);
        Tensors.MaxDifference(mixed, expected).Should().BeLessThan(1e-12);
        mixed.mm(mixed.t()).trace().item<double>().Should().BeApproximately(3, 1e-12);

        // A P that does not increase the trace is left alone.
        var (keptLeft, keptRight) = LeaceFitter.ConstrainCovarianceTrace(u, u.t(), u, sigma);
        Tensors.Same(keptLeft, u).Should().BeTrue();
        Tensors.Same(keptRight, u.t()).Should().BeTrue();
    }
}
