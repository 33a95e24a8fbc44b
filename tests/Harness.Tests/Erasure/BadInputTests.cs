using Harness.Erasure;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Erasure;

/// Bad input to the fitters: each is one line naming the input at fault.
public class BadInputTests
{
    private static readonly Tensor X = Synthetic.Classes(n: 10, d: 3, k: 2, seed: 1).X;

    private static HarnessException Refused(Action act)
    {
        var e = act.Should().Throw<HarnessException>().Which;
        e.Message.Should().NotContain("\n");
        return e;
    }

    [Test]
    public void RowCountsOfXAndZDiffer()
    {
        Refused(() => _ = new EraserData(X, zeros(9, dtype: ScalarType.Int64), "X.npy", "z.npy"))
            .Message.Should().Be("z.npy has 9 rows but X.npy has 10; they must match row for row");
    }

    [Test]
    public void OneClassOnly()
    {
        Refused(() => _ = new EraserData(X, ones(10, dtype: ScalarType.Int64), "X.npy", "z.npy"))
            .Message.Should().Be("z.npy: every row has label 1; erasure needs at least two classes");
    }

    [Test]
    public void LabelsMustBeZeroToKMinusOneWithEveryClassPresent()
    {
        var gap = tensor(new long[] { 0, 2, 0, 2, 0, 2, 0, 2, 0, 2 });
        Refused(() => _ = new EraserData(X, gap, "X.npy", "z.npy"))
            .Message.Should().Be("z.npy: class 1 has no rows (labels go up to 2); class labels must be 0, 1, ..., k-1 with every class present");
        var negative = tensor(new long[] { 0, 1, 0, 1, -1, 1, 0, 1, 0, 1 });
        Refused(() => _ = new EraserData(X, negative, "X.npy", "z.npy"))
            .Message.Should().Be("z.npy: label -1 at row 4; class labels must be 0, 1, ..., k-1");
        Refused(() => _ = new EraserData(X, zeros(10, 2, dtype: ScalarType.Int64), "X.npy", "z.npy"))
            .Message.Should().Be("z.npy: integer class labels must be a vector [rows], got int64 [10, 2]");
    }

    [Test]
    public void NaNOrInfiniteValues()
    {
        var nan = X.clone();
        nan[3, 1] = double.NaN;
        Refused(() => _ = new EraserData(nan, null, "X.npy")).Message.Should().Be("X.npy: row 3 holds a NaN or infinite value");
        var inf = X.to_type(ScalarType.Float32);
        inf[7, 0] = float.NegativeInfinity;
        Refused(() => _ = new EraserData(inf, null, "X.npy")).Message.Should().Be("X.npy: row 7 holds a NaN or infinite value");
        var z = zeros(10, dtype: ScalarType.Float64);
        z[5] = double.PositiveInfinity;
        Refused(() => _ = new EraserData(X, z, "X.npy", "z.npy")).Message.Should().Be("z.npy: row 5 holds a NaN or infinite value");
    }

    [Test]
    public void XMustBeAFloatMatrixOfAtLeastTwoRows()
    {
        Refused(() => _ = new EraserData(zeros(10, 3, dtype: ScalarType.Int64), null, "X.npy"))
            .Message.Should().Be("X.npy: expected a float32 or float64 matrix [rows, dimension], got int64 [10, 3]");
        Refused(() => _ = new EraserData(zeros(10, dtype: ScalarType.Float32), null, "X.npy"))
            .Message.Should().Be("X.npy: expected a float32 or float64 matrix [rows, dimension], got float32 [10]");
        Refused(() => _ = new EraserData(zeros(1, 3, dtype: ScalarType.Float32), null, "X.npy"))
            .Message.Should().Be("X.npy: needs at least 2 rows to fit an eraser, got 1");
    }

    [Test]
    public void RankLargerThanTheDimension()
    {
        var options = RandomDirections.Definition.Defaults().With("rank", 4L);
        Refused(() => RandomDirections.Definition.Fit(new EraserData(X, null, "X.npy"), options))
            .Message.Should().Be("random: rank 4 is larger than the dimension 3 of the rows of X.npy");
    }

    [Test]
    public void MethodsThatNeedTheConceptSayWhichInputIsMissing()
    {
        Refused(() => LeaceEraser.Definition.Fit(new EraserData(X, null, "X.npy")))
            .Message.Should().Be("method leace needs the concept z (labels or values) besides X.npy");
        Refused(() => MeanDifference.Definition.Fit(new EraserData(X, arange(10, dtype: ScalarType.Float64), "X.npy", "z.npy")))
            .Message.Should().Be("z.npy: method mean-diff needs integer class labels (int64 or int32), got float values");
    }

    [Test]
    public void BadOptionValuesNameTheOption()
    {
        Refused(() => LeaceEraser.Definition.Defaults().With("svd_tol", "0"))
            .Message.Should().Be("options: option 'svd_tol' must be a number above 0, got '0'");
        Refused(() => LeaceEraser.Definition.Defaults().With("rank", 2L))
            .Message.Should().Be("options: 'rank' is not an option (options: affine, constrain_cov_trace, orth, shrinkage, svd_tol)");
        Refused(() => _ = new LeaceFitter(3, Concept.Labels(2), new LeaceOptions { SvdTol = -1 }))
            .Message.Should().Be("option 'svd_tol' must be a number above 0, got '-1'");
    }

    [Test]
    public void BatchesMustFitTheFitter()
    {
        var fitter = new LeaceFitter(3, Concept.Labels(2));
        Refused(() => fitter.Update(zeros(4, 5, dtype: ScalarType.Float64), zeros(4, dtype: ScalarType.Int64)))
            .Message.Should().Be("x: expected a float32 or float64 batch [rows, 3], got float64 [4, 5]");
        Refused(() => fitter.Update(zeros(4, 3, dtype: ScalarType.Float64), zeros(5, dtype: ScalarType.Int64)))
            .Message.Should().Be("z has 5 rows but x has 4; they must match row for row");
        Refused(() => fitter.Update(zeros(4, 3, dtype: ScalarType.Float64), tensor(new long[] { 0, 1, 2, 0 })))
            .Message.Should().Be("z: label 2 at row 2 is outside 0..1 (2 classes)");
        Refused(() => _ = new LeaceFitter(3, Concept.Labels(2)).Eraser)
            .Message.Should().Be("LEACE needs at least 2 rows, has seen 0");
    }

    [Test]
    public void ApplyingToRowsOfAnotherDimension()
    {
        var eraser = LeaceFitter.Fit(new EraserData(X, Synthetic.Classes(n: 10, d: 3, k: 2, seed: 1).Labels));
        Refused(() => eraser.Apply(zeros(2, 4, dtype: ScalarType.Float32)))
            .Message.Should().Be("x: rows have dimension 4 but the leace eraser was fitted on dimension 3");
    }
}
