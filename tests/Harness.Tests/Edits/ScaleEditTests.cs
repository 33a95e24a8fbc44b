using Harness.Edits;
using static Harness.Tests.Edits.TestTensors;
using static TorchSharp.torch;

namespace Harness.Tests.Edits;

public class ScaleEditTests
{
    private const long D = 16;

    [Test]
    public void ProjectIsIdempotent()
    {
        using var scope = NewDisposeScope();
        using var edit = ScaleEdit.Project(Basis(3, D, 1), Randn([D], 2));
        var v = Randn([4, 5, D], 3);
        var once = edit.Apply(v);
        var twice = edit.Apply(once);
        MaxAbsDiff(once, twice).Should().BeLessThan(1e-12);
        MaxAbsDiff(once, v).Should().BeGreaterThan(0.1, "the projection must actually move v");
    }

    [Test]
    public void ProjectSetsTheComponentAlongTheDirectionsToTheCentres()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(3, D, 1);
        var m = Randn([D], 2);
        using var edit = ScaleEdit.Project(basis, m);
        var v = Randn([10, D], 3);
        var projected = edit.Apply(v);
        var expected = m.unsqueeze(0).mm(basis.t()).expand(10, 3);        // D m for every row
        MaxAbsDiff(projected.mm(basis.t()), expected).Should().BeLessThan(1e-12);
        // ... and leaves the orthogonal complement alone.
        var complement = eye(D, dtype: ScalarType.Float64) - basis.t().mm(basis);
        MaxAbsDiff(projected.mm(complement), v.mm(complement)).Should().BeLessThan(1e-12);
    }

    [Test]
    public void EditsAlongAnEmptySubspaceAreTheIdentity()
    {
        // A method that found no direction (INLP already at chance) gives k = 0: nothing to move.
        using var scope = NewDisposeScope();
        var empty = zeros(0, D, dtype: ScalarType.Float64);
        var v = Randn([4, 5, D], 3);
        foreach (var strength in new[] { 0.0, -1.0, 2.0 })
        {
            using var edit = new ScaleEdit(empty, Randn([D], 2), strength);
            MaxAbsDiff(edit.Apply(v), v).Should().Be(0);
        }
    }

    [Test]
    public void ReflectTwiceIsTheIdentity()
    {
        using var scope = NewDisposeScope();
        using var edit = ScaleEdit.Reflect(Basis(2, D, 4), Randn([D], 5));
        var v = Randn([3, 7, D], 6);
        var once = edit.Apply(v);
        MaxAbsDiff(once, v).Should().BeGreaterThan(0.1);
        MaxAbsDiff(edit.Apply(once), v).Should().BeLessThan(1e-12);
    }

    [Test]
    public void ReflectNegatesTheCentredComponent()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(2, D, 4);
        var m = Randn([D], 5);
        using var edit = ScaleEdit.Reflect(basis, m);
        var v = Randn([8, D], 6);
        var before = (v - m).mm(basis.t());
        var after = (edit.Apply(v) - m).mm(basis.t());
        MaxAbsDiff(after, -before).Should().BeLessThan(1e-12);
    }

    [Test]
    public void StrengthZeroChangesNothingBitForBit()
    {
        using var scope = NewDisposeScope();
        using var edit = new ScaleEdit(Basis(2, D, 7), Randn([D], 8), 0);
        var v = Randn([2, 3, D], 9, ScalarType.Float32);
        Same(edit.Apply(v), v).Should().BeTrue();
    }

    [Test]
    public void StrengthMinusOneDoublesTheCentredComponent()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(2, D, 10);
        var m = Randn([D], 11);
        using var edit = new ScaleEdit(basis, m, -1);
        edit.Name.Should().Be("amplify");
        var v = Randn([8, D], 12);
        var before = (v - m).mm(basis.t());
        var after = (edit.Apply(v) - m).mm(basis.t());
        MaxAbsDiff(after, 2 * before).Should().BeLessThan(1e-12);
        var complement = eye(D, dtype: ScalarType.Float64) - basis.t().mm(basis);
        MaxAbsDiff(edit.Apply(v).mm(complement), v.mm(complement)).Should().BeLessThan(1e-12);
    }

    [Test]
    public void StrengthsOneAndTwoAreProjectAndReflect()
    {
        using var scope = NewDisposeScope();
        var basis = Basis(2, D, 13);
        var m = Randn([D], 14);
        var v = Randn([5, D], 15);
        using var s1 = new ScaleEdit(basis, m, 1);
        using var s2 = new ScaleEdit(basis, m, 2);
        using var p = ScaleEdit.Project(basis, m);
        using var r = ScaleEdit.Reflect(basis, m);
        Same(s1.Apply(v), p.Apply(v)).Should().BeTrue();
        Same(s2.Apply(v), r.Apply(v)).Should().BeTrue();
    }

    [Test]
    public void KeepsTheInputShapeAndDtype()
    {
        using var scope = NewDisposeScope();
        using var edit = ScaleEdit.Reflect(Basis(1, D, 16), zeros(D));
        var v = Randn([2, 3, D], 17, ScalarType.Float32);
        var edited = edit.Apply(v);
        edited.dtype.Should().Be(ScalarType.Float32);
        edited.shape.Should().Equal(2, 3, D);
    }

    [Test]
    public void MatchesTheThreadsRankOneFormulaAroundTheMedian()
    {
        // v <- ((v - m) - ((v - m).d) d) + m with m = median(d.x) d, written out per row.
        using var scope = NewDisposeScope();
        var d = Basis(1, D, 18);
        var train = Randn([9, D], 19);
        var m = Centre.Median(train, d);
        using var edit = ScaleEdit.Project(d, m);
        var v = Randn([6, D], 20);
        var dv = d.squeeze(0);
        var centred = v - m;
        var expected = centred - (centred * dv).sum(1, keepdim: true) * dv + m;
        MaxAbsDiff(edit.Apply(v), expected).Should().BeLessThan(1e-12);
    }

    [Test]
    public void RejectsNonOrthonormalDirections()
    {
        using var scope = NewDisposeScope();
        var notUnit = 2 * Basis(2, D, 21);
        var act = () => ScaleEdit.Project(notUnit, zeros(D));
        act.Should().Throw<HarnessException>().WithMessage("scale: directions: direction rows are not orthonormal*");
        var b = Basis(2, D, 22);
        var notOrthogonal = stack([b[0], (b[0] + b[1]) / Math.Sqrt(2)]);
        act = () => ScaleEdit.Project(notOrthogonal, zeros(D));
        act.Should().Throw<HarnessException>().WithMessage("*not orthonormal*");
    }

    [Test]
    public void RejectsActivationsOfAnotherDimension()
    {
        using var scope = NewDisposeScope();
        using var edit = ScaleEdit.Project(Basis(1, D, 23), zeros(D));
        var act = () => edit.Apply(zeros(2, D + 1));
        act.Should().Throw<HarnessException>().WithMessage($"project: activations must have last dimension {D}, got shape [2, {D + 1}]");
    }

    [Test]
    public void RejectsACentreOfAnotherDimension()
    {
        using var scope = NewDisposeScope();
        var act = () => ScaleEdit.Project(Basis(1, D, 24), zeros(D - 1));
        act.Should().Throw<HarnessException>().WithMessage($"scale: centre: must have shape [{D}], got [{D - 1}]");
    }

    [Test]
    public void OutlivesTheScopeItWasBuiltIn()
    {
        ScaleEdit edit;
        using (NewDisposeScope())
            edit = ScaleEdit.Project(Basis(2, D, 25), Randn([D], 26));
        using (edit)
        using (NewDisposeScope())
        {
            var v = Randn([3, D], 27);
            MaxAbsDiff(edit.Apply(edit.Apply(v)), edit.Apply(v)).Should().BeLessThan(1e-12);
        }
    }
}
