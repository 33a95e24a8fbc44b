using Harness.Edits;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class AlterRepEditTests
{
    private const long D = 12;

    [TestCase(1.0, 1)]
    [TestCase(1.0, -1)]
    [TestCase(2.5, -1)]
    [TestCase(0.0, 1)]
    public void RankOneKeepsTheNullspaceAndSetsTheClassifierCoordinate(double alpha, int sign)
    {
        using var scope = NewDisposeScope();
        var w = Randn([D], 1) * 3;                 // not unit length: the edit normalises it
        var wUnit = w / w.norm();
        using var edit = new AlterRepEdit(w, alpha, sign);
        var h = Randn([20, D], 2);
        var edited = edit.Apply(h);

        var nullspace = eye(D, dtype: ScalarType.Float64) - wUnit.outer(wUnit);
        MaxAbsDiff(edited.mm(nullspace), h.mm(nullspace)).Should().BeLessThan(1e-12);
        var before = h.mv(wUnit);
        MaxAbsDiff(edited.mv(wUnit), alpha * sign * before.abs()).Should().BeLessThan(1e-12);
    }

    [Test]
    public void RankTwoWithOrthonormalClassifiersSetsEachCoordinate()
    {
        using var scope = NewDisposeScope();
        var W = Basis(2, D, 3);
        using var edit = new AlterRepEdit(W, 1.5, -1);
        edit.Name.Should().Be("alterrep(alpha=1.5, sign=-1)");
        var h = Randn([3, 4, D], 4, ScalarType.Float32);
        var edited = edit.Apply(h).to_type(ScalarType.Float64).reshape(-1, D);
        var h64 = h.to_type(ScalarType.Float64).reshape(-1, D);

        var nullspace = eye(D, dtype: ScalarType.Float64) - W.t().mm(W);
        MaxAbsDiff(edited.mm(nullspace), h64.mm(nullspace)).Should().BeLessThan(1e-5);
        MaxAbsDiff(edited.mm(W.t()), -1.5 * h64.mm(W.t()).abs()).Should().BeLessThan(1e-5);
        // Every row now sits on the negative side of both classifiers.
        (edited.mm(W.t()) <= 0).all().item<bool>().Should().BeTrue();
    }

    [Test]
    public void RejectsBadArguments()
    {
        using var scope = NewDisposeScope();
        var act = () => new AlterRepEdit(Basis(1, D, 5), 1, 0);
        act.Should().Throw<HarnessException>().WithMessage("alterrep: sign must be 1 or -1, got 0");
        act = () => new AlterRepEdit(Basis(1, D, 5), -1, 1);
        act.Should().Throw<HarnessException>().WithMessage("alterrep: alpha must be a finite number >= 0*");
        act = () => new AlterRepEdit(zeros(1, D, dtype: ScalarType.Float64), 1, 1);
        act.Should().Throw<HarnessException>().WithMessage("alterrep: a classifier direction has zero length");
    }
}
